package authn

import (
	"context"
	"crypto/ed25519"
	"errors"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Verification failures, all Unauthenticated.
var (
	ErrTokenMalformed = apperr.New(apperr.Unauthenticated, "malformed token")
	ErrTokenExpired   = apperr.New(apperr.Unauthenticated, "token expired; refresh it or log in again")
	ErrTokenInvalid   = apperr.New(apperr.Unauthenticated, "invalid token signature or claims")
	ErrTokenRevoked   = apperr.New(apperr.Unauthenticated, "token revoked; log in again")
	ErrTokenWrongUse  = apperr.New(apperr.Unauthenticated, "wrong kind of token: use the access token for calls and the refresh token for RefreshToken")
)

// Verifier checks tokens: signature with the key of their key id, issuer,
// audience, expiry, use, and the revocation list. A verified token's claims
// are remembered until it expires, so repeated calls skip the signature
// check; expiry and revocation are checked on every call.
type Verifier struct {
	keys    KeySource
	revoked Revocations
	parser  *jwt.Parser
	now     func() time.Time

	mu    sync.RWMutex
	cache map[string]*Claims
}

// verifiedCacheSize bounds the remembered tokens.
const verifiedCacheSize = 16384

// NewVerifier returns a verifier over a key source and a revocation list.
func NewVerifier(keys KeySource, revoked Revocations) *Verifier {
	return &Verifier{
		keys:    keys,
		revoked: revoked,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(5*time.Second),
		),
		now:   time.Now,
		cache: make(map[string]*Claims),
	}
}

// AnyUse asks Verify to accept access and refresh tokens alike.
const AnyUse = ""

// Verify returns the claims of a valid, unrevoked token of the given use
// (AnyUse: either).
func (v *Verifier) Verify(ctx context.Context, token, use string) (*Claims, error) {
	c, err := v.parse(ctx, token)
	if err != nil {
		return nil, err
	}
	if use != AnyUse && c.Use != use {
		return nil, ErrTokenWrongUse
	}
	if !v.now().Before(c.ExpiresAt.Time) {
		return nil, ErrTokenExpired
	}
	revoked, err := v.revoked.IsRevoked(ctx, c.ID, c.SessionID)
	if err != nil {
		return nil, apperr.Errorf(apperr.Unavailable, "cannot check the revocation list: %v", err)
	}
	if revoked {
		return nil, ErrTokenRevoked
	}
	return c, nil
}

// parse checks the signature and claims, or finds them in the cache.
func (v *Verifier) parse(ctx context.Context, token string) (*Claims, error) {
	v.mu.RLock()
	c, ok := v.cache[token]
	v.mu.RUnlock()
	if ok {
		return c, nil
	}
	c = &Claims{}
	_, err := v.parser.ParseWithClaims(token, c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, ErrTokenInvalid
		}
		k, err := v.keys.PublicKey(ctx, kid)
		if err != nil {
			return nil, err
		}
		return ed25519.PublicKey(k), nil
	})
	if err != nil {
		return nil, classify(err)
	}
	if c.ID == "" {
		return nil, ErrTokenInvalid
	}
	v.remember(token, c)
	return c, nil
}

// remember caches a verified token. A full cache drops its expired tokens
// and then arbitrary ones down to three quarters of its size, so that the
// scan is paid once per many insertions rather than on each.
func (v *Verifier) remember(token string, c *Claims) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.cache) >= verifiedCacheSize {
		now := v.now()
		for k, old := range v.cache {
			if !now.Before(old.ExpiresAt.Time) {
				delete(v.cache, k)
			}
		}
		for k := range v.cache {
			if len(v.cache) < verifiedCacheSize*3/4 {
				break
			}
			delete(v.cache, k)
		}
	}
	v.cache[token] = c
}

func classify(err error) error {
	var ae *apperr.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, jwt.ErrTokenExpired):
		return ErrTokenExpired
	case errors.Is(err, jwt.ErrTokenMalformed):
		return ErrTokenMalformed
	default:
		return ErrTokenInvalid
	}
}
