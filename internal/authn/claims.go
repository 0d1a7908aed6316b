package authn

import (
	"github.com/golang-jwt/jwt/v5"
)

// Token issuer and audience of every tempomall token.
const (
	Issuer   = "tempomall-auth"
	Audience = "tempomall"
)

// Token uses.
const (
	UseAccess  = "access"
	UseRefresh = "refresh"
)

// Role names every deployment has.
const (
	RoleCustomer = "customer"
	RoleAdmin    = "admin"
	RoleService  = "service"
)

// Claims is the payload of a tempomall JWT.
type Claims struct {
	jwt.RegisteredClaims
	// UserID is the account, 0 for service tokens.
	UserID int64 `json:"uid,omitempty"`
	// Service names the calling service for service tokens.
	Service string   `json:"svc,omitempty"`
	Roles   []string `json:"roles,omitempty"`
	// SessionID groups the tokens of one login (a refresh family).
	SessionID string `json:"sid,omitempty"`
	// Use is UseAccess or UseRefresh.
	Use string `json:"use"`
}
