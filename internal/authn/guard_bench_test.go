package authn_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/services/auth"
)

// benchKeys is the one verifying key of the benchmark.
type benchKeys struct {
	kid string
	pub ed25519.PublicKey
}

func (k benchKeys) PublicKey(_ context.Context, kid string) (ed25519.PublicKey, error) {
	if kid != k.kid {
		return nil, authn.ErrTokenInvalid
	}
	return k.pub, nil
}

// BenchmarkGuardAdmit measures the middleware's cost per call: Guard.Admit
// for a protected method (product.AdjustStock) called by an admin, with a
// real EdDSA token, the in-process revocation list (holding 10,000
// entries) and a casbin enforcer over the default policy. The admin's
// roles are [customer admin], so casbin decides twice per call.
//
//   - same-token: one token on every call (the verified-token cache hits;
//     expiry, revocation and casbin are checked every time);
//   - fresh-token: a new token on every call (signature verification each
//     time).
//
// The target is under 50 µs per call on one core:
//
//	go test -run '^$' -bench GuardAdmit -benchtime 3s -cpu 1 ./internal/authn/
func BenchmarkGuardAdmit(b *testing.B) {
	ctx := context.Background()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	const kid = "k_bench"
	revoked := authn.NewMemoryRevocations()
	for range 10_000 {
		_ = revoked.Revoke(ctx, authn.RevokeSession, randomID(), time.Now().Add(time.Hour))
	}
	snap := authn.PolicySnapshot{Inheritance: auth.DefaultInheritance}
	for _, p := range auth.DefaultPolicy {
		snap.Policies = append(snap.Policies, p)
	}
	enforcer, err := authn.NewEnforcer(authn.RBACModel(b), authn.RemoteAdapter{
		Fetch: func(context.Context) (authn.PolicySnapshot, error) { return snap, nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	guard := &authn.Guard{
		Verifier:   authn.NewVerifier(benchKeys{kid: kid, pub: pub}, revoked),
		Authorizer: authn.CasbinAuthorizer{Enforcer: enforcer},
	}
	sign := func() string {
		now := time.Now()
		t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, authn.Claims{
			RegisteredClaims: jwt.RegisteredClaims{
				Issuer: authn.Issuer, Subject: "user:1", Audience: jwt.ClaimStrings{authn.Audience},
				IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(15 * time.Minute)),
				ID: randomID(),
			},
			UserID: 1, Roles: []string{authn.RoleCustomer, authn.RoleAdmin}, SessionID: randomID(), Use: authn.UseAccess,
		})
		t.Header["kid"] = kid
		s, err := t.SignedString(priv)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	admit := func(b *testing.B, token string) {
		if _, err := guard.Admit(ctx, "product", "AdjustStock", token); err != nil {
			b.Fatal(err)
		}
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/op")
	}

	b.Run("same-token", func(b *testing.B) {
		token := sign()
		admit(b, token)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			admit(b, token)
		}
		report(b)
	})
	b.Run("fresh-token", func(b *testing.B) {
		tokens := make([]string, b.N)
		for i := range tokens {
			tokens[i] = sign()
		}
		b.ReportAllocs()
		b.ResetTimer()
		for _, token := range tokens {
			admit(b, token)
		}
		report(b)
	})
}

func randomID() string {
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	return hex.EncodeToString(buf)
}
