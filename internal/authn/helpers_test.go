package authn

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tempomall/tempomall/internal/apperr"
)

// staticKeys is a KeySource over a fixed set of keys.
type staticKeys map[string]ed25519.PublicKey

func (s staticKeys) PublicKey(_ context.Context, kid string) (ed25519.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, errUnknownKey
}

// signer signs test tokens with an Ed25519 key under a key id.
type signer struct {
	kid  string
	priv ed25519.PrivateKey
}

func newSigner(t testing.TB, kid string) signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid: kid, priv: priv}
}

func (s signer) public() ed25519.PublicKey { return s.priv.Public().(ed25519.PublicKey) }

func (s signer) sign(t testing.TB, c Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.priv)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// nextID returns a new random token id.
func nextID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// claims returns the claims of a live token of the given use.
func claims(use string, ttl time.Duration) Claims {
	now := time.Now()
	return Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Audience: jwt.ClaimStrings{Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			ID: nextID("t"),
		},
		Use: use,
	}
}

// userClaims are an access token's claims for an account's session.
func userClaims(userID int64, session string, roles ...string) Claims {
	c := claims(UseAccess, 15*time.Minute)
	c.Subject, c.UserID, c.SessionID, c.Roles = "user:"+strconv.FormatInt(userID, 10), userID, session, roles
	return c
}

// serviceClaims are a service token's claims.
func serviceClaims(name string) Claims {
	c := claims(UseAccess, time.Hour)
	c.Subject, c.Service, c.Roles = "service:"+name, name, []string{RoleService}
	return c
}

// outcome is "ok" for nil, else the kind of err.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return apperr.KindOf(err).String()
}

// rbacModel returns the auth service's RBAC model, which the services pass
// to NewEnforcer.
func rbacModel(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../../services/auth/resources/rbac_model.conf")
	if err != nil {
		t.Fatalf("the RBAC model: %v", err)
	}
	return string(b)
}
