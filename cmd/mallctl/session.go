package main

import (
	"context"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/rpc"
)

// role says whose session a command uses.
type role int

const (
	// asUser is the session of `mallctl login`.
	asUser role = iota
	// asAdmin is the session of `mallctl admin login`.
	asAdmin
	// asAnyone calls without a token (public methods).
	asAnyone
)

// refreshMargin is how long before its expiry an access token is rotated
// instead of used.
const refreshMargin = 30 * time.Second

// loadState returns the state, reading the file on first use.
func (c *cli) loadState() (*State, error) {
	if c.state == nil {
		s, err := loadState(c.statePath)
		if err != nil {
			return nil, err
		}
		c.state = s
	}
	return c.state, nil
}

// slot returns where the state keeps a role's session.
func (s *State) slot(r role) **Session {
	if r == asAdmin {
		return &s.Admin
	}
	return &s.User
}

// setSession stores (or, with nil, forgets) a role's session and saves
// the state file.
func (c *cli) setSession(r role, sess *Session) error {
	st, err := c.loadState()
	if err != nil {
		return err
	}
	*st.slot(r) = sess
	return saveState(c.statePath, st)
}

// session returns a role's session, or an Unauthenticated error that says
// how to log in.
func (c *cli) session(r role) (*Session, error) {
	st, err := c.loadState()
	if err != nil {
		return nil, err
	}
	if s := *st.slot(r); s != nil {
		return s, nil
	}
	if r == asAdmin {
		return nil, apperr.New(apperr.Unauthenticated, "not logged in as admin: run `mallctl admin login`")
	}
	return nil, apperr.New(apperr.Unauthenticated, "not logged in: run `mallctl login LOGIN` or `mallctl register`")
}

// authed returns ctx carrying the access token of a role's session,
// rotating the tokens first when the access token is about to expire.
func (c *cli) authed(ctx context.Context, r role) (context.Context, *Session, error) {
	s, err := c.session(r)
	if err != nil {
		return nil, nil, err
	}
	if c.now().Add(refreshMargin).After(s.AccessExpiresAt) {
		if s, err = c.refresh(ctx, r); err != nil {
			return nil, nil, err
		}
	}
	return withToken(ctx, s), s, nil
}

// withToken returns ctx carrying a session's access token as it is.
func withToken(ctx context.Context, s *Session) context.Context {
	return rpc.WithToken(ctx, s.AccessToken)
}

// refresh rotates a role's tokens with its refresh token and saves them.
// A session whose refresh token no longer works is forgotten.
func (c *cli) refresh(ctx context.Context, r role) (*Session, error) {
	s, err := c.session(r)
	if err != nil {
		return nil, err
	}
	again := "mallctl login"
	if r == asAdmin {
		again = "mallctl admin login"
	}
	if s.RefreshToken == "" || c.now().After(s.RefreshExpiresAt) {
		_ = c.setSession(r, nil)
		return nil, apperr.Errorf(apperr.Unauthenticated, "the session of %s has ended: run `%s` again", s.Name(), again)
	}
	cl, err := c.rpc()
	if err != nil {
		return nil, err
	}
	resp, err := cl.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: s.RefreshToken})
	if apperr.Is(err, apperr.Unauthenticated) {
		_ = c.setSession(r, nil)
		return nil, apperr.Errorf(apperr.Unauthenticated, "the session of %s has ended: run `%s` again", s.Name(), again)
	}
	if err != nil {
		return nil, err
	}
	next := *s
	next.setTokens(resp.GetTokens())
	return &next, c.setSession(r, &next)
}

// newSession returns the session of a login.
func newSession(u *user.User, t *user.Tokens) *Session {
	s := &Session{UserID: u.GetId(), Email: u.GetEmail(), Username: u.GetUsername(), Roles: u.GetRoles()}
	s.setTokens(t)
	return s
}

// setTokens takes over a token pair.
func (s *Session) setTokens(t *user.Tokens) {
	s.AccessToken, s.AccessExpiresAt = t.GetAccessToken(), t.GetAccessExpiresAt().AsTime()
	s.RefreshToken, s.RefreshExpiresAt = t.GetRefreshToken(), t.GetRefreshExpiresAt().AsTime()
}

// login logs an account in and keeps its session as role r.
func (c *cli) login(ctx context.Context, r role, login, password string) (*Session, error) {
	cl, err := c.rpc()
	if err != nil {
		return nil, err
	}
	resp, err := cl.User.Login(ctx, &user.LoginRequest{Login: login, Password: password})
	if err != nil {
		return nil, err
	}
	s := newSession(resp.GetUser(), resp.GetTokens())
	return s, c.setSession(r, s)
}

// as returns the service clients and ctx carrying the access token of a
// role's session: what every authenticated command starts with.
func (c *cli) as(ctx context.Context, r role) (context.Context, *clients.Clients, error) {
	actx := ctx
	if r != asAnyone {
		var err error
		if actx, _, err = c.authed(ctx, r); err != nil {
			return nil, nil, err
		}
	}
	cl, err := c.rpc()
	if err != nil {
		return nil, nil, err
	}
	return actx, cl, nil
}
