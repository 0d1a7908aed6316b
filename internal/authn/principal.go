package authn

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Principal is the verified caller of an RPC.
type Principal struct {
	UserID    int64
	Service   string
	Roles     []string
	SessionID string
	TokenID   string
	ExpiresAt time.Time
	// Token is the raw bearer token, for handlers that must hand it to the
	// auth service (Logout).
	Token string
}

// String describes the caller without its token, so that logging a
// Principal never logs a credential.
func (p Principal) String() string {
	who := "user:" + strconv.FormatInt(p.UserID, 10)
	if p.Service != "" {
		who = "service:" + p.Service
	}
	return fmt.Sprintf("%s roles=%v session=%s token_id=%s", who, p.Roles, p.SessionID, p.TokenID)
}

// Name names the caller for logs: "user:7" or "service:order".
func (p Principal) Name() string {
	if p.Service != "" {
		return "service:" + p.Service
	}
	return "user:" + strconv.FormatInt(p.UserID, 10)
}

// GoString is String, for %#v.
func (p Principal) GoString() string { return p.String() }

// HasRole reports whether the caller holds role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// IsService reports whether the caller is a tempomall service.
func (p Principal) IsService() bool { return p.Service != "" && p.HasRole(RoleService) }

// IsAdmin reports whether the caller is an administrator.
func (p Principal) IsAdmin() bool { return p.HasRole(RoleAdmin) }

// Privileged reports whether the caller may act on any account.
func (p Principal) Privileged() bool { return p.IsAdmin() || p.IsService() }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller of the RPC being served.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// ErrNoCaller is returned when a method needs a caller and has none.
var ErrNoCaller = apperr.New(apperr.Unauthenticated, `this method needs an access token; send "authorization: Bearer <token>"`)

// Caller returns the caller or ErrNoCaller.
func Caller(ctx context.Context) (Principal, error) {
	p, ok := FromContext(ctx)
	if !ok {
		return Principal{}, ErrNoCaller
	}
	return p, nil
}

// ResolveUser returns the account a request acts on: the caller's own when
// requested is 0 or the caller's id; any account for admins and services;
// PermissionDenied otherwise.
func ResolveUser(ctx context.Context, requested int64) (int64, error) {
	p, err := Caller(ctx)
	if err != nil {
		return 0, err
	}
	switch {
	case requested < 0:
		return 0, apperr.InvalidArgf("user_id must not be negative")
	case requested == 0 && p.UserID == 0:
		return 0, apperr.InvalidArgf("user_id is required for service callers")
	case requested == 0 || requested == p.UserID:
		return p.UserID, nil
	case p.Privileged():
		return requested, nil
	default:
		return 0, apperr.New(apperr.PermissionDenied, "you may only act on your own account")
	}
}
