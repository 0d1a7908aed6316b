package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudwego/kitex/client/callopt"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
)

// fakeAuth answers RefreshToken; any other method panics.
type fakeAuth struct {
	authservice.Client
	now     time.Time
	refused bool
	got     []string
}

func (f *fakeAuth) RefreshToken(_ context.Context, req *auth.RefreshTokenRequest, _ ...callopt.Option) (*auth.RefreshTokenResponse, error) {
	f.got = append(f.got, req.GetRefreshToken())
	if f.refused {
		return nil, apperr.New(apperr.Unauthenticated, "refresh token reused; the session was revoked")
	}
	return &auth.RefreshTokenResponse{Tokens: &user.Tokens{
		AccessToken: "access-2", AccessExpiresAt: timestamppb.New(f.now.Add(15 * time.Minute)),
		RefreshToken: "refresh-2", RefreshExpiresAt: timestamppb.New(f.now.Add(7 * 24 * time.Hour)),
	}}, nil
}

// testCLI returns a cli over a fresh state file holding a customer session
// whose access token expires at accessExpires, and the fake auth service.
func testCLI(t *testing.T, now, accessExpires time.Time) (*cli, *fakeAuth) {
	t.Helper()
	fa := &fakeAuth{now: now}
	c := &cli{
		out: io.Discard, errOut: io.Discard, cfg: config.Default(t.TempDir()),
		statePath: filepath.Join(t.TempDir(), "mallctl.json"),
		dial:      func(config.Config) (*clients.Clients, error) { return &clients.Clients{Auth: fa}, nil },
		now:       func() time.Time { return now },
	}
	err := c.setSession(asUser, &Session{
		UserID: 7, Username: "ada", AccessToken: "access-1", AccessExpiresAt: accessExpires,
		RefreshToken: "refresh-1", RefreshExpiresAt: now.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, fa
}

func TestAuthedKeepsAFreshToken(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c, fa := testCLI(t, now, now.Add(10*time.Minute))
	_, s, err := c.authed(context.Background(), asUser)
	if err != nil || s.AccessToken != "access-1" || len(fa.got) != 0 {
		t.Errorf("authed = %+v, %v after %d refreshes; want access-1 and no refresh", s, err, len(fa.got))
	}
}

func TestAuthedRefreshesAndSaves(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c, fa := testCLI(t, now, now.Add(10*time.Second)) // within refreshMargin
	_, s, err := c.authed(context.Background(), asUser)
	if err != nil || s.AccessToken != "access-2" || s.RefreshToken != "refresh-2" {
		t.Fatalf("authed = %+v, %v; want the rotated pair", s, err)
	}
	if len(fa.got) != 1 || fa.got[0] != "refresh-1" {
		t.Errorf("refresh calls %q, want [refresh-1]", fa.got)
	}
	saved, err := loadState(c.statePath)
	if err != nil || saved.User.AccessToken != "access-2" || saved.User.Username != "ada" {
		t.Errorf("saved state %+v, %v; want the rotated pair and the account kept", saved.User, err)
	}
}

func TestAuthedForgetsARevokedSession(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c, fa := testCLI(t, now, now.Add(-time.Minute))
	fa.refused = true
	_, _, err := c.authed(context.Background(), asUser)
	if !apperr.Is(err, apperr.Unauthenticated) {
		t.Fatalf("authed with a revoked session: %v, want Unauthenticated", err)
	}
	saved, err := loadState(c.statePath)
	if err != nil || saved.User != nil {
		t.Errorf("saved state %+v, %v; want the session forgotten", saved, err)
	}
}
