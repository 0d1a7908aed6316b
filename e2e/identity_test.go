package e2e_test

import (
	"context"
	"testing"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

func wantKind(t *testing.T, step string, err error, kind apperr.Kind) {
	t.Helper()
	if got := apperr.KindOf(err); err == nil || got != kind {
		t.Fatalf("%s: got error %v (%v), want %v", step, err, got, kind)
	}
}

func TestIdentityJourney(t *testing.T) {
	s := startStack(t, config.Auth, config.User)
	ctx := context.Background()
	c := s.clients

	reg, err := c.User.Register(ctx, &user.RegisterRequest{Email: "Alice@Example.com", Username: "alice", Password: "s3cret-pass"})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	_, err = c.User.Register(ctx, &user.RegisterRequest{Email: "alice@example.COM", Username: "alice2", Password: "s3cret-pass"})
	wantKind(t, "duplicate email", err, apperr.AlreadyExists)

	login, err := c.User.Login(ctx, &user.LoginRequest{Login: "alice", Password: "s3cret-pass"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	access, refresh := login.GetTokens().GetAccessToken(), login.GetTokens().GetRefreshToken()

	got, err := c.User.GetUser(as(access), &user.GetUserRequest{})
	if err != nil || got.GetUser().GetId() != reg.GetUser().GetId() {
		t.Fatalf("get own user: %v %v", got, err)
	}
	_, err = c.User.GetUser(ctx, &user.GetUserRequest{})
	wantKind(t, "no token", err, apperr.Unauthenticated)
	_, err = c.User.GetUser(as(access+"x"), &user.GetUserRequest{})
	wantKind(t, "tampered token", err, apperr.Unauthenticated)

	// Refresh rotates; the old refresh token then revokes the family.
	ref, err := c.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: refresh})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	newAccess := ref.GetTokens().GetAccessToken()
	if _, err := c.User.GetUser(as(newAccess), &user.GetUserRequest{}); err != nil {
		t.Fatalf("call with refreshed token: %v", err)
	}
	_, err = c.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: refresh})
	wantKind(t, "reused refresh token", err, apperr.Unauthenticated)
	_, err = c.User.GetUser(as(newAccess), &user.GetUserRequest{})
	wantKind(t, "token of a revoked family", err, apperr.Unauthenticated)
	_, err = c.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: ref.GetTokens().GetRefreshToken()})
	wantKind(t, "newest refresh token of a revoked family", err, apperr.Unauthenticated)

	// Logout ends the session.
	login, err = c.User.Login(ctx, &user.LoginRequest{Login: "alice@example.com", Password: "s3cret-pass"})
	if err != nil {
		t.Fatalf("login again: %v", err)
	}
	access = login.GetTokens().GetAccessToken()
	if _, err := c.User.Logout(as(access), &user.LogoutRequest{}); err != nil {
		t.Fatalf("logout: %v", err)
	}
	_, err = c.User.GetUser(as(access), &user.GetUserRequest{})
	wantKind(t, "after logout", err, apperr.Unauthenticated)

	// A customer may not call admin methods; an admin grants a role.
	login, _ = c.User.Login(ctx, &user.LoginRequest{Login: "alice", Password: "s3cret-pass"})
	access = login.GetTokens().GetAccessToken()
	_, err = c.Auth.ListPolicies(as(access), &auth.ListPoliciesRequest{})
	wantKind(t, "customer calls admin method", err, apperr.PermissionDenied)

	svcClients := s.run.Clients
	adminID, err := app.EnsureAdmin(ctx, svcClients, "admin@example.com", "Admin-pass-123")
	if err != nil {
		t.Fatalf("seed admin: %v", err)
	}
	adm, err := c.User.Login(ctx, &user.LoginRequest{Login: "admin@example.com", Password: "Admin-pass-123"})
	if err != nil || adm.GetUser().GetId() != adminID {
		t.Fatalf("admin login: %v", err)
	}
	adminTok := adm.GetTokens().GetAccessToken()
	if _, err := c.Auth.AssignRole(as(adminTok), &auth.AssignRoleRequest{UserId: reg.GetUser().GetId(), Role: "admin"}); err != nil {
		t.Fatalf("assign role: %v", err)
	}
	ref, err = c.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: login.GetTokens().GetRefreshToken()})
	if err != nil {
		t.Fatalf("refresh after grant: %v", err)
	}
	if _, err := c.Auth.ListPolicies(as(ref.GetTokens().GetAccessToken()), &auth.ListPoliciesRequest{}); err != nil {
		t.Fatalf("new admin lists policies: %v", err)
	}
}
