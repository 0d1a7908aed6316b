package user

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/throttle"
)

// testPassword satisfies the password policy.
const testPassword = "pass-word-1"

// clock is a fake clock that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.UnixMilli(1_700_000_000_000)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeSessions stands in for the auth service: it hands out numbered
// sessions and records which were ended.
type fakeSessions struct {
	mu      sync.Mutex
	next    int
	live    map[string]int64 // session id -> account
	ended   []string
	roles   map[int64][]string
	failing error
}

func newFakeSessions() *fakeSessions {
	return &fakeSessions{live: map[string]int64{}, roles: map[int64][]string{}}
}

func (f *fakeSessions) Start(_ context.Context, userID int64) (Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing != nil {
		return Session{}, f.failing
	}
	f.next++
	id := fmt.Sprintf("ses-%d", f.next)
	f.live[id] = userID
	roles := append([]string{authn.RoleCustomer}, f.roles[userID]...)
	return Session{AccessToken: "access-" + id, RefreshToken: "refresh-" + id, Roles: roles}, nil
}

func (f *fakeSessions) End(_ context.Context, accessToken string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := accessToken[len("access-"):]
	delete(f.live, id)
	f.ended = append(f.ended, id)
	return nil
}

func (f *fakeSessions) EndOthers(_ context.Context, userID int64, keep string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, u := range f.live {
		if u == userID && id != keep {
			delete(f.live, id)
			f.ended = append(f.ended, id)
		}
	}
	return nil
}

func (f *fakeSessions) Roles(_ context.Context, userID int64) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{authn.RoleCustomer}, f.roles[userID]...), nil
}

// liveOf returns the live sessions of an account, sorted.
func (f *fakeSessions) liveOf(userID int64) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id, u := range f.live {
		if u == userID {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// fixture is a user service over a fresh database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set), an in-process throttle on a fake clock
// and fake sessions.
type fixture struct {
	t        testing.TB
	svc      *Service
	store    *Store
	sessions *fakeSessions
	clock    *clock
}

// testRules are short throttle rules: 2 free failures, then waits of 1s,
// 2s, 4s, and a one-minute lockout at the 5th failure.
var (
	testAccountRule = ThrottleRule{Free: 2, LockAfter: 5, Lockout: time.Minute}
	testAddressRule = ThrottleRule{Free: 4, LockAfter: 8, Lockout: 2 * time.Minute}
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clk := newClock()
	lt := NewLoginThrottle(throttle.NewMemory(throttle.WithClock(clk.Now)), testAccountRule, testAddressRule)
	lt.now = clk.Now
	store := NewStore(dbtest.Open(t, "user", Migrations))
	sessions := newFakeSessions()
	return &fixture{
		t: t, store: store, sessions: sessions, clock: clk,
		svc: NewService(store, NewHasher(bcrypt.MinCost), lt, sessions),
	}
}

// register creates an account or fails the test.
func (f *fixture) register(email, username string) Account {
	f.t.Helper()
	a, err := f.svc.Register(context.Background(), email, username, testPassword)
	if err != nil {
		f.t.Fatalf("register %s: %v", email, err)
	}
	return a
}

// login logs in or fails the test; it returns the session id.
func (f *fixture) login(login, password string) string {
	f.t.Helper()
	_, s, err := f.svc.Login(context.Background(), login, password, "192.0.2.1")
	if err != nil {
		f.t.Fatalf("login %s: %v", login, err)
	}
	return s.AccessToken[len("access-"):]
}

// as returns a context whose caller is the account's session, with roles.
func as(userID int64, session string, roles ...string) context.Context {
	return authn.WithPrincipal(context.Background(), authn.Principal{
		UserID: userID, SessionID: session, Token: "access-" + session,
		Roles: append([]string{authn.RoleCustomer}, roles...),
	})
}

// kindOf returns the failure kind of err, or "ok" for nil.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	return apperr.KindOf(err).String()
}

// ptr returns a pointer to s.
func ptr(s string) *string { return &s }
