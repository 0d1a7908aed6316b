package auth

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tempomall/tempomall/internal/authn"
)

// TokenPair is a session's access and refresh tokens.
type TokenPair struct {
	AccessToken    string
	AccessExpires  time.Time
	RefreshToken   string
	RefreshExpires time.Time
	// Access are the claims of the access token.
	Access authn.Claims
}

// sign signs claims with the active key, naming it in the kid header.
func (s *Service) sign(c authn.Claims) (string, error) {
	kid, key := s.keys.Signer()
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = kid
	return t.SignedString(key)
}

// claims returns the registered claims of a new token.
func (s *Service) claims(subject, id string, now time.Time, ttl time.Duration) jwt.RegisteredClaims {
	return jwt.RegisteredClaims{
		Issuer:    authn.Issuer,
		Subject:   subject,
		Audience:  jwt.ClaimStrings{authn.Audience},
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        id,
	}
}

// pair signs an access and a refresh token for a session.
func (s *Service) pair(userID int64, roles []string, sessionID, refreshID string, now time.Time) (TokenPair, error) {
	subject := userSubject(userID)
	access := authn.Claims{
		RegisteredClaims: s.claims(subject, newID("at_"), now, s.cfg.AccessTTL),
		UserID:           userID,
		Roles:            roles,
		SessionID:        sessionID,
		Use:              authn.UseAccess,
	}
	refresh := authn.Claims{
		RegisteredClaims: s.claims(subject, refreshID, now, s.cfg.RefreshTTL),
		UserID:           userID,
		SessionID:        sessionID,
		Use:              authn.UseRefresh,
	}
	at, err := s.sign(access)
	if err != nil {
		return TokenPair{}, err
	}
	rt, err := s.sign(refresh)
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{
		AccessToken: at, AccessExpires: access.ExpiresAt.Time,
		RefreshToken: rt, RefreshExpires: refresh.ExpiresAt.Time,
		Access: access,
	}, nil
}

// newID returns a random identifier with a prefix.
func newID(prefix string) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}
