package authn

import (
	"context"
	"errors"
	"testing"
	"time"
)

// failingRevocations is a revocation list that cannot be reached.
type failingRevocations struct{}

func (failingRevocations) Revoke(context.Context, string, string, time.Time) error { return nil }
func (failingRevocations) IsRevoked(context.Context, string, string) (bool, error) {
	return false, errors.New("redis: i/o timeout")
}

func TestVerifier(t *testing.T) {
	ctx := context.Background()
	k := newSigner(t, "k1")
	other := newSigner(t, "k1") // same key id, another key
	revoked := NewMemoryRevocations()
	v := NewVerifier(staticKeys{"k1": k.public()}, revoked)

	live := k.sign(t, userClaims(7, "s1", RoleCustomer))
	refresh := userClaims(7, "s1")
	refresh.Use = UseRefresh
	revokedTok := userClaims(7, "s2", RoleCustomer)
	revokedSession := k.sign(t, userClaims(7, "s3", RoleCustomer))
	_ = revoked.Revoke(ctx, RevokeToken, revokedTok.ID, time.Now().Add(time.Hour))
	_ = revoked.Revoke(ctx, RevokeSession, "s3", time.Now().Add(time.Hour))

	tests := []struct {
		name, token, use string
		want             error
	}{
		{"access token", live, UseAccess, nil},
		{"again, from the cache", live, UseAccess, nil},
		{"access token as refresh token", live, UseRefresh, ErrTokenWrongUse},
		{"refresh token", k.sign(t, refresh), UseRefresh, nil},
		{"refresh token as access token", k.sign(t, refresh), UseAccess, ErrTokenWrongUse},
		{"revoked token", k.sign(t, revokedTok), UseAccess, ErrTokenRevoked},
		{"token of a revoked session", revokedSession, UseAccess, ErrTokenRevoked},
		{"signed by another key under the same id", other.sign(t, userClaims(7, "s1", RoleCustomer)), UseAccess, ErrTokenInvalid},
		{"unknown key id", newSigner(t, "k9").sign(t, userClaims(7, "s1")), UseAccess, errUnknownKey},
		{"garbage", "a.b.c", UseAccess, ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := v.Verify(ctx, tt.token, tt.use)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err == nil && (c.UserID != 7 || c.Use != tt.use) {
				t.Errorf("claims %+v", c)
			}
		})
	}
}

// TestVerifierCache checks that a remembered token still has its expiry
// and revocation checked on every call.
func TestVerifierCache(t *testing.T) {
	ctx := context.Background()
	k := newSigner(t, "k1")
	revoked := NewMemoryRevocations()
	now := time.Now()
	v := NewVerifier(staticKeys{"k1": k.public()}, revoked)
	v.now = func() time.Time { return now }
	c := userClaims(7, "s1", RoleCustomer)
	tok := k.sign(t, c)
	if _, err := v.Verify(ctx, tok, UseAccess); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.cache[tok]; !ok {
		t.Fatal("a verified token was not remembered")
	}
	if _, err := v.Verify(ctx, "x"+tok, UseAccess); err == nil {
		t.Fatal("a changed token was admitted")
	}
	if err := revoked.Revoke(ctx, RevokeSession, "s1", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, tok, UseAccess); !errors.Is(err, ErrTokenRevoked) {
		t.Errorf("remembered token after revocation: %v", err)
	}

	tok2 := k.sign(t, userClaims(7, "s2", RoleCustomer))
	if _, err := v.Verify(ctx, tok2, UseAccess); err != nil {
		t.Fatal(err)
	}
	now = now.Add(16 * time.Minute)
	if _, err := v.Verify(ctx, tok2, UseAccess); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("remembered token after expiry: %v", err)
	}

	broken := NewVerifier(staticKeys{"k1": k.public()}, failingRevocations{})
	if _, err := broken.Verify(ctx, tok2, UseAccess); outcome(err) != "Unavailable" {
		t.Errorf("revocation list down: %v, want Unavailable (never admitted unchecked)", err)
	}
}

// TestVerifierCacheBound checks that the cache stays within its size.
func TestVerifierCacheBound(t *testing.T) {
	ctx := context.Background()
	k := newSigner(t, "k1")
	v := NewVerifier(staticKeys{"k1": k.public()}, NewMemoryRevocations())
	for i := 0; i < verifiedCacheSize+10; i++ {
		v.remember(nextID("tok"), &Claims{RegisteredClaims: userClaims(1, "s").RegisteredClaims})
	}
	// The overflow evicted a quarter at once, not one token per insertion.
	if n, want := len(v.cache), verifiedCacheSize*3/4-1+10; n != want {
		t.Errorf("cache holds %d tokens, want %d", n, want)
	}
	tok := k.sign(t, userClaims(7, "s1", RoleCustomer))
	if _, err := v.Verify(ctx, tok, UseAccess); err != nil {
		t.Errorf("verify with a full cache: %v", err)
	}
}
