package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/rpc"
)

// errUnanswered is returned when the harness stopped retrying a call
// before any attempt answered: its outcome is unknown.
var errUnanswered = errors.New("no answer before the run ended")

// retries counts the attempts that got no answer, by method and error
// kind: what a client of the system went through.
type retries struct {
	mu     sync.Mutex
	counts map[string]int
	// slowest are the longest single attempts.
	slowest []slowCall
}

// slowCall is one attempt of a call and how long it took.
type slowCall struct {
	method string
	took   time.Duration
	result string
}

// keptSlow is how many of the slowest attempts are kept.
const keptSlow = 5

// timed records how long an attempt took, keeping the slowest.
func (r *retries) timed(method string, took time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.slowest) == keptSlow && took <= r.slowest[keptSlow-1].took {
		return
	}
	result := "answered"
	if err != nil {
		result = apperr.KindOf(err).String()
	}
	r.slowest = append(r.slowest, slowCall{method, took, result})
	sort.Slice(r.slowest, func(i, j int) bool { return r.slowest[i].took > r.slowest[j].took })
	if len(r.slowest) > keptSlow {
		r.slowest = r.slowest[:keptSlow]
	}
}

// slow describes the slowest attempts.
func (r *retries) slow() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.slowest))
	for i, c := range r.slowest {
		out[i] = fmt.Sprintf("%s %s (%s)", c.method, c.took.Round(100*time.Millisecond), c.result)
	}
	return out
}

func (r *retries) add(method string, kind apperr.Kind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = map[string]int{}
	}
	r.counts[method+" "+kind.String()]++
}

// summary lists the counts, most frequent first.
func (r *retries) summary() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, 0, len(r.counts))
	for k := range r.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if r.counts[keys[i]] != r.counts[keys[j]] {
			return r.counts[keys[i]] > r.counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%s x%d", k, r.counts[k])
	}
	return out
}

// unanswered reports whether an error leaves a call's outcome unknown, so
// that a client sends the same request again: the service was down or
// restarting (Unavailable, a transport error), did not answer in time
// (DeadlineExceeded), or failed inside (Internal: "retry later", which is
// also what a service answers while Temporal is down).
func unanswered(err error) bool {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return true // not a status from a service: a transport failure
	}
	switch ae.Kind {
	case apperr.Unavailable, apperr.DeadlineExceeded, apperr.Internal, apperr.Aborted, apperr.ResourceExhausted:
		return true
	}
	return false
}

// retry calls call until it answers (nil or a business error), waiting a
// little longer between attempts, as a client with an idempotency key
// does. It gives up with errUnanswered when ctx ends.
func retry(ctx context.Context, counts *retries, method string, call func(context.Context) error) error {
	wait := 100 * time.Millisecond
	for {
		began := time.Now()
		err := call(ctx)
		counts.timed(method, time.Since(began), err)
		if err == nil || !unanswered(err) {
			return err
		}
		counts.add(method, apperr.KindOf(err))
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last: %v)", method, errUnanswered, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// session is an account logged in: its token is renewed when a service
// answers Unauthenticated or when it is old.
type session struct {
	clients  *clients.Clients
	counts   *retries
	login    string
	password string

	userID   int64
	token    string
	loggedAt time.Time
}

// tokenAge is when a session logs in again (tokens live 15 minutes).
const tokenAge = 10 * time.Minute

// logIn logs the account in, retrying until the user service answers.
func (s *session) logIn(ctx context.Context) error {
	var resp *user.LoginResponse
	err := retry(ctx, s.counts, "Login", func(ctx context.Context) (err error) {
		resp, err = s.clients.User.Login(ctx, &user.LoginRequest{Login: s.login, Password: s.password})
		return err
	})
	if err != nil {
		return err
	}
	s.userID, s.token, s.loggedAt = resp.GetUser().GetId(), resp.GetTokens().GetAccessToken(), time.Now()
	return nil
}

// call runs an authenticated call until it answers: retried with the same
// request while unanswered, after a new login when the token is refused.
func (s *session) call(ctx context.Context, method string, call func(ctx context.Context) error) error {
	for attempt := 0; ; attempt++ {
		if s.token == "" || time.Since(s.loggedAt) > tokenAge {
			if err := s.logIn(ctx); err != nil {
				return err
			}
		}
		err := retry(ctx, s.counts, method, func(ctx context.Context) error {
			return call(rpc.WithToken(ctx, s.token))
		})
		if !apperr.Is(err, apperr.Unauthenticated) || attempt >= 3 {
			return err
		}
		s.counts.add(method, apperr.Unauthenticated)
		s.token = ""
	}
}

// register creates the account (an AlreadyExists answer to a repeat is
// the first attempt's success) and logs in.
func (s *session) register(ctx context.Context, username string) error {
	err := retry(ctx, s.counts, "Register", func(ctx context.Context) error {
		_, err := s.clients.User.Register(ctx, &user.RegisterRequest{Email: s.login, Username: username, Password: s.password})
		return err
	})
	if err != nil && !apperr.Is(err, apperr.AlreadyExists) {
		return err
	}
	return s.logIn(ctx)
}

// idPattern matches the ids in messages (ord_..., pay_..., numbers), so
// that refusals group by kind in the report.
var idPattern = regexp.MustCompile(`\b(ord|co|pay|ch|re|evt)_[0-9A-Za-z_-]+|\b\d+(\.\d+)?(ms|s|m)?\b`)

// refusal names a business error by its kind and message, ids elided.
func refusal(err error) string {
	msg := err.Error()
	var ae *apperr.Error
	if errors.As(err, &ae) {
		msg = ae.Msg
	}
	return apperr.KindOf(err).String() + ": " + idPattern.ReplaceAllString(msg, "#")
}

// errorText shortens an error for the report.
func errorText(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 160 {
		msg = msg[:160] + "..."
	}
	return msg
}
