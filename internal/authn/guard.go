package authn

import (
	"context"
	"fmt"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/rpc"
)

// Guard is the rpc.Guard of every service: it verifies the bearer token
// and authorizes (role, service, method).
type Guard struct {
	Verifier   *Verifier
	Authorizer Authorizer
}

var _ rpc.Guard = (*Guard)(nil)

// Admit verifies and authorizes one call and returns a context carrying
// the caller's Principal. A call without a token may reach public methods
// only; a token that is presented must be valid, on public methods too
// (Unauthenticated otherwise), so that a client never mistakes a broken
// session for an anonymous one. The decision is Allowed's, the same that
// AuthService.CheckPermission answers.
func (g *Guard) Admit(ctx context.Context, service, method, bearer string) (context.Context, error) {
	if bearer == "" {
		access, err := AccessOf(service, method)
		if err != nil {
			return ctx, apperr.Errorf(apperr.Internal, "authorize: %w", err)
		}
		if access == Public {
			return ctx, nil
		}
		return ctx, ErrNoCaller
	}
	c, err := g.Verifier.Verify(ctx, bearer, UseAccess)
	if err != nil {
		return ctx, err
	}
	p := Principal{
		UserID:    c.UserID,
		Service:   c.Service,
		Roles:     c.Roles,
		SessionID: c.SessionID,
		TokenID:   c.ID,
		ExpiresAt: c.ExpiresAt.Time,
		Token:     bearer,
	}
	ctx = WithPrincipal(ctx, p)
	access, ok, err := Allowed(g.Authorizer, p, service, method)
	switch {
	case err != nil:
		return ctx, apperr.Errorf(apperr.Internal, "authorize: %w", err)
	case ok:
		return ctx, nil
	case access == Internal:
		return ctx, apperr.Errorf(apperr.PermissionDenied, "%s.%s is internal: only tempomall services may call it", service, method)
	}
	return ctx, apperr.Errorf(apperr.PermissionDenied, "your roles %v may not call %s.%s", p.Roles, service, method)
}

// Caller names the caller of an admitted call: "user:7",
// "service:order", or "anonymous".
func (g *Guard) Caller(ctx context.Context) string {
	if p, ok := FromContext(ctx); ok {
		return p.Name()
	}
	return "anonymous"
}

// ServiceTokens is the rpc.TokenSource of a service or the worker: it
// exchanges the service's client credentials for a service token and
// reuses it until shortly before it expires.
type ServiceTokens struct {
	// Issue exchanges credentials for a token (AuthService.IssueServiceToken).
	Issue func(ctx context.Context) (token string, expires time.Time, err error)

	mu      chan struct{}
	token   string
	expires time.Time
}

// NewServiceTokens returns a token source over issue.
func NewServiceTokens(issue func(ctx context.Context) (string, time.Time, error)) *ServiceTokens {
	s := &ServiceTokens{Issue: issue, mu: make(chan struct{}, 1)}
	return s
}

// Token returns a service token valid for at least another minute.
func (s *ServiceTokens) Token(ctx context.Context) (string, error) {
	select {
	case s.mu <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.mu }()
	if s.token != "" && time.Until(s.expires) > time.Minute {
		return s.token, nil
	}
	tok, exp, err := s.Issue(ctx)
	if err != nil {
		return "", fmt.Errorf("obtain service token: %w", err)
	}
	s.token, s.expires = tok, exp
	return tok, nil
}
