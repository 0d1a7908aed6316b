package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/authn"
)

func TestIssueTokens(t *testing.T) {
	f := newFixture(t)
	if err := f.svc.AssignRole(context.Background(), 7, "admin"); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Truncate(time.Second)
	p := f.login(7)
	kid, _ := f.keys.Signer()

	access, err := f.svc.Verifier().Verify(context.Background(), p.AccessToken, authn.UseAccess)
	if err != nil {
		t.Fatalf("verify access: %v", err)
	}
	refresh, err := f.svc.Verifier().Verify(context.Background(), p.RefreshToken, authn.UseRefresh)
	if err != nil {
		t.Fatalf("verify refresh: %v", err)
	}
	want := &authn.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Issuer: authn.Issuer, Subject: "user:7", Audience: jwt.ClaimStrings{authn.Audience}},
		UserID:           7, Roles: []string{"customer", "admin"}, SessionID: access.SessionID, Use: authn.UseAccess,
	}
	ignoreTimes := cmpopts.IgnoreFields(jwt.RegisteredClaims{}, "ExpiresAt", "IssuedAt", "ID")
	if diff := cmp.Diff(want, access, ignoreTimes); diff != "" {
		t.Errorf("access claims (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(access.SessionID, "ses_") || !strings.HasPrefix(access.ID, "at_") || !strings.HasPrefix(refresh.ID, "rt_") {
		t.Errorf("ids: session %q access %q refresh %q", access.SessionID, access.ID, refresh.ID)
	}
	if refresh.SessionID != access.SessionID || refresh.Use != authn.UseRefresh || len(refresh.Roles) != 0 {
		t.Errorf("refresh claims: %+v", refresh)
	}
	if got := access.ExpiresAt.Sub(access.IssuedAt.Time); got != testAccessTTL {
		t.Errorf("access lifetime %v, want %v", got, testAccessTTL)
	}
	if got := refresh.ExpiresAt.Sub(refresh.IssuedAt.Time); got != testRefreshTTL {
		t.Errorf("refresh lifetime %v, want %v", got, testRefreshTTL)
	}
	if access.IssuedAt.Before(before) {
		t.Errorf("issued at %v, before the call (%v)", access.IssuedAt, before)
	}
	header := tokenHeader(t, p.AccessToken)
	if diff := cmp.Diff(map[string]any{"alg": "EdDSA", "kid": kid, "typ": "JWT"}, header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	sess, err := f.store.Session(context.Background(), access.SessionID)
	if err != nil || sess.UserID != 7 || sess.RefreshTokenID != refresh.ID || sess.Generation != 1 {
		t.Errorf("session %+v, %v", sess, err)
	}
	if _, err := f.svc.IssueTokens(context.Background(), 0); outcome(err) != "InvalidArgument: user_id must be positive" {
		t.Errorf("user 0: %v", err)
	}
}

func tokenHeader(t *testing.T, token string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestVerifyRefuses lists the tokens verification refuses, each with the
// answer.
func TestVerifyRefuses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kid, key := f.keys.Signer()
	pub := key.Public().(ed25519.PublicKey)
	_, foreign, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Now()
	p := f.login(7)

	// A second key in the ring: a token signed with the active key but
	// naming it must fail.
	if err := f.keys.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	newKid, newKey := f.keys.Signer()

	with := func(change func(*authn.Claims)) authn.Claims {
		c := accessClaims(now)
		change(&c)
		return c
	}
	const (
		invalid   = "Unauthenticated: invalid token signature or claims"
		unknown   = "Unauthenticated: token signed with an unknown or expired key; log in again"
		malformed = "Unauthenticated: malformed token"
		expiredM  = "Unauthenticated: token expired; refresh it or log in again"
		wrongUse  = "Unauthenticated: wrong kind of token: use the access token for calls and the refresh token for RefreshToken"
	)
	tests := []struct {
		name, token, want string
	}{
		{"issued token", p.AccessToken, "ok"},
		{"forged with the real key (control)", forge(t, accessClaims(now), jwt.SigningMethodEdDSA, kid, key), "ok"},
		{"signed with the new key", forge(t, accessClaims(now), jwt.SigningMethodEdDSA, newKid, newKey), "ok"},
		{"expired", forge(t, with(func(c *authn.Claims) {
			c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)), jwt.NewNumericDate(now.Add(-time.Minute))
		}), jwt.SigningMethodEdDSA, kid, key), expiredM},
		{"not valid yet", forge(t, with(func(c *authn.Claims) { c.NotBefore = jwt.NewNumericDate(now.Add(time.Minute)) }),
			jwt.SigningMethodEdDSA, kid, key), invalid},
		{"issued in the future", forge(t, with(func(c *authn.Claims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Minute)) }),
			jwt.SigningMethodEdDSA, kid, key), invalid},
		{"no expiry", forge(t, with(func(c *authn.Claims) { c.ExpiresAt = nil }), jwt.SigningMethodEdDSA, kid, key), invalid},
		{"no token id", forge(t, with(func(c *authn.Claims) { c.ID = "" }), jwt.SigningMethodEdDSA, kid, key), invalid},
		{"wrong audience", forge(t, with(func(c *authn.Claims) { c.Audience = jwt.ClaimStrings{"someone-else"} }),
			jwt.SigningMethodEdDSA, kid, key), invalid},
		{"no audience", forge(t, with(func(c *authn.Claims) { c.Audience = nil }), jwt.SigningMethodEdDSA, kid, key), invalid},
		{"wrong issuer", forge(t, with(func(c *authn.Claims) { c.Issuer = "evil" }), jwt.SigningMethodEdDSA, kid, key), invalid},
		{"tampered signature", tamper(p.AccessToken, 2), invalid},
		{"tampered claims", swapPayload(t, p.AccessToken, forge(t, accessClaims(now), jwt.SigningMethodEdDSA, kid, key)), invalid},
		{"signed by a foreign key under a real kid", forge(t, accessClaims(now), jwt.SigningMethodEdDSA, kid, foreign), invalid},
		{"signed by one key, naming the other", forge(t, accessClaims(now), jwt.SigningMethodEdDSA, newKid, key), invalid},
		{"unknown key id", forge(t, accessClaims(now), jwt.SigningMethodEdDSA, "k_unknown", key), unknown},
		{"no key id", forge(t, accessClaims(now), jwt.SigningMethodEdDSA, "", key), invalid},
		{"alg none", forge(t, accessClaims(now), jwt.SigningMethodNone, kid, jwt.UnsafeAllowNoneSignatureType), invalid},
		{"HS256 keyed with the public key", forge(t, accessClaims(now), jwt.SigningMethodHS256, kid, []byte(pub)), invalid},
		{"refresh token as access token", p.RefreshToken, wrongUse},
		{"no use", forge(t, with(func(c *authn.Claims) { c.Use = "" }), jwt.SigningMethodEdDSA, kid, key), wrongUse},
		{"not a JWT", "not-a-token", malformed},
		{"two segments", "abc.def", malformed},
		{"empty", "", malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.access(tt.token); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// tamper changes one character of the signature, counted from its end.
func tamper(token string, fromEnd int) string {
	b := []byte(token)
	i := len(b) - fromEnd
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// swapPayload puts the claims of other under the header and signature of
// token.
func swapPayload(t *testing.T, token, other string) string {
	t.Helper()
	a, b := strings.Split(token, "."), strings.Split(other, ".")
	return a[0] + "." + b[1] + "." + a[2]
}

// TestVerifyExpiredIssuedToken issues a token in the past through the
// service's clock.
func TestVerifyExpiredIssuedToken(t *testing.T) {
	f := newFixture(t)
	f.svc.now = func() time.Time { return time.Now().Add(-testAccessTTL - time.Minute) }
	p := f.login(7)
	if got := f.access(p.AccessToken); !strings.Contains(got, "token expired") {
		t.Errorf("expired access token: %s", got)
	}
	// The refresh token lives longer: it still rotates.
	f.svc.now = func() time.Time { return time.Now().UTC() }
	if _, err := f.svc.Refresh(context.Background(), p.RefreshToken); err != nil {
		t.Errorf("refresh with a live refresh token: %v", err)
	}
}

func TestIssueServiceToken(t *testing.T) {
	tests := []struct {
		name, client, secret, want string
	}{
		{"known client", "order", testSecret, "ok"},
		{"another known client", "worker", testSecret, "ok"},
		{"wrong secret", "order", "guess", "Unauthenticated: unknown client id or wrong client secret"},
		{"empty secret", "order", "", "Unauthenticated: unknown client id or wrong client secret"},
		{"secret with a suffix", "order", testSecret + "x", "Unauthenticated: unknown client id or wrong client secret"},
		{"unknown client", "customer", testSecret, "Unauthenticated: unknown client id or wrong client secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tok, exp, err := f.svc.IssueServiceToken(context.Background(), tt.client, tt.secret)
			if got := outcome(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if err != nil {
				return
			}
			c, err := f.svc.Verifier().Verify(context.Background(), tok, authn.UseAccess)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			want := &authn.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Issuer: authn.Issuer, Subject: "service:" + tt.client, Audience: jwt.ClaimStrings{authn.Audience}},
				Service:          tt.client, Roles: []string{authn.RoleService}, Use: authn.UseAccess,
			}
			if diff := cmp.Diff(want, c, cmpopts.IgnoreFields(jwt.RegisteredClaims{}, "ExpiresAt", "IssuedAt", "ID")); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			if d := time.Until(exp); d < 59*time.Minute || d > time.Hour {
				t.Errorf("expires in %v, want an hour", d)
			}
		})
	}
}

// TestIssueServiceTokenWithoutSecret checks that a deployment without a
// service secret issues no service token at all.
func TestIssueServiceTokenWithoutSecret(t *testing.T) {
	f := newFixture(t)
	f.svc.cfg.ServiceSecret = ""
	if _, _, err := f.svc.IssueServiceToken(context.Background(), "order", ""); err != ErrBadClient {
		t.Errorf("got %v, want ErrBadClient", err)
	}
}
