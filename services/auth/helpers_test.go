package auth

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
)

// Lifetimes of the test tokens.
const (
	testAccessTTL  = 15 * time.Minute
	testRefreshTTL = 24 * time.Hour
	testSecret     = "test-service-secret"
)

// fixture is an auth service over a fresh database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set) with an in-process revocation list.
type fixture struct {
	t       testing.TB
	svc     *Service
	store   *Store
	keys    *KeyRing
	rbac    *RBAC
	revoked *authn.MemoryRevocations
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, "auth", Migrations)
	store := NewStore(db)
	keys := NewKeyRing(store, testAccessTTL+testRefreshTTL)
	if err := keys.Load(ctx); err != nil {
		t.Fatalf("load keys: %v", err)
	}
	rbac, err := NewRBAC(db)
	if err != nil {
		t.Fatalf("rbac: %v", err)
	}
	revoked := authn.NewMemoryRevocations()
	svc := NewService(store, keys, rbac, revoked, someAccounts{}, Settings{
		AccessTTL: testAccessTTL, RefreshTTL: testRefreshTTL,
		ServiceSecret: testSecret, ServiceClients: []string{"order", "worker"},
	})
	return &fixture{t: t, svc: svc, store: store, keys: keys, rbac: rbac, revoked: revoked}
}

// login starts a session for an account or fails the test.
func (f *fixture) login(userID int64) TokenPair {
	f.t.Helper()
	p, err := f.svc.IssueTokens(context.Background(), userID)
	if err != nil {
		f.t.Fatalf("issue tokens: %v", err)
	}
	return p
}

// refresh rotates a session or fails the test.
func (f *fixture) refresh(refreshToken string) TokenPair {
	f.t.Helper()
	p, err := f.svc.Refresh(context.Background(), refreshToken)
	if err != nil {
		f.t.Fatalf("refresh: %v", err)
	}
	return p
}

// access verifies an access token: "ok" or the failure's message.
func (f *fixture) access(token string) string {
	_, err := f.svc.Verifier().Verify(context.Background(), token, authn.UseAccess)
	return outcome(err)
}

// outcome is "ok" for nil, else the kind and message of err.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return apperr.KindOf(err).String() + ": " + err.Error()
}

// forge signs claims with any method, key id and key.
func forge(t testing.TB, c jwt.Claims, method jwt.SigningMethod, kid string, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

// accessClaims are the claims of a valid access token of account 7.
func accessClaims(now time.Time) authn.Claims {
	return authn.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: authn.Issuer, Subject: "user:7", Audience: jwt.ClaimStrings{authn.Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(testAccessTTL)),
			ID: newID("at_"),
		},
		UserID: 7, Roles: []string{authn.RoleCustomer, authn.RoleAdmin}, SessionID: "ses_forged", Use: authn.UseAccess,
	}
}

// someAccounts stands in for the user service: accounts 1 to 999 exist.
type someAccounts struct{}

func (someAccounts) Exists(_ context.Context, id int64) error {
	if id < 1 || id > 999 {
		return apperr.NotFoundf("no account %d", id)
	}
	return nil
}
