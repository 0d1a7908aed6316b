package auth

import (
	"context"
	"crypto/subtle"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/text"
)

// Settings are the auth service's parameters.
type Settings struct {
	AccessTTL  time.Duration
	RefreshTTL time.Duration
	// ServiceTTL is the lifetime of service tokens.
	ServiceTTL time.Duration
	// ServiceSecret is the client secret of every tempomall service.
	ServiceSecret string
	// ServiceClients are the client ids that may obtain service tokens.
	ServiceClients []string
}

// Accounts tells whether an account exists (the user service).
type Accounts interface {
	// Exists returns NotFound for an unknown account.
	Exists(ctx context.Context, userID int64) error
}

// Service is the auth business logic: sessions, tokens, revocation, RBAC.
type Service struct {
	store    *Store
	keys     *KeyRing
	rbac     *RBAC
	revoked  authn.Revocations
	accounts Accounts
	verifier *authn.Verifier
	cfg      Settings
	now      func() time.Time
}

// NewService wires the auth service's parts.
func NewService(store *Store, keys *KeyRing, rbac *RBAC, revoked authn.Revocations, accounts Accounts, cfg Settings) *Service {
	if cfg.ServiceTTL == 0 {
		cfg.ServiceTTL = time.Hour
	}
	return &Service{
		store: store, keys: keys, rbac: rbac, revoked: revoked, accounts: accounts, cfg: cfg,
		verifier: authn.NewVerifier(keys, revoked),
		now:      func() time.Time { return time.Now().UTC() },
	}
}

// Verifier returns the verifier the auth service's own guard uses.
func (s *Service) Verifier() *authn.Verifier { return s.verifier }

// Errors of the session rules.
var (
	ErrRefreshReused  = apperr.New(apperr.Unauthenticated, "refresh token already used: the session was revoked for safety; log in again")
	ErrSessionRevoked = apperr.New(apperr.Unauthenticated, "session revoked; log in again")
	ErrBadClient      = apperr.New(apperr.Unauthenticated, "unknown client id or wrong client secret")
)

// IssueTokens starts a session for an account.
func (s *Service) IssueTokens(ctx context.Context, userID int64) (TokenPair, error) {
	if userID <= 0 {
		return TokenPair{}, apperr.InvalidArgf("user_id must be positive")
	}
	roles, err := s.rbac.RolesOf(userID)
	if err != nil {
		return TokenPair{}, err
	}
	now := s.now()
	sessionID, refreshID := newID("ses_"), newID("rt_")
	pair, err := s.pair(userID, roles, sessionID, refreshID, now)
	if err != nil {
		return TokenPair{}, err
	}
	err = s.store.CreateSession(ctx, sessionRow{
		ID: sessionID, UserID: userID, RefreshTokenID: refreshID, Generation: 1,
		ExpiresAt: pair.RefreshExpires,
	})
	return pair, err
}

// IssueServiceToken exchanges client credentials for a service token.
func (s *Service) IssueServiceToken(_ context.Context, clientID, secret string) (string, time.Time, error) {
	known := slices.Contains(s.cfg.ServiceClients, clientID)
	// Compare even for unknown ids so timing does not tell ids apart.
	match := subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ServiceSecret)) == 1
	if !known || !match || s.cfg.ServiceSecret == "" {
		return "", time.Time{}, ErrBadClient
	}
	now := s.now()
	c := authn.Claims{
		RegisteredClaims: s.claims("service:"+clientID, newID("st_"), now, s.cfg.ServiceTTL),
		Service:          clientID,
		Roles:            []string{authn.RoleService},
		Use:              authn.UseAccess,
	}
	tok, err := s.sign(c)
	return tok, c.ExpiresAt.Time, err
}

// Verify returns the claims of a valid access or refresh token.
func (s *Service) Verify(ctx context.Context, token string) (*authn.Claims, error) {
	if token == "" {
		return nil, apperr.InvalidArgf("token is required")
	}
	return s.verifier.Verify(ctx, token, authn.AnyUse)
}

// Refresh rotates a session's refresh token. A refresh token that is not
// the session's current one was used before: the session is revoked.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (TokenPair, error) {
	if refreshToken == "" {
		return TokenPair{}, apperr.InvalidArgf("refresh_token is required")
	}
	// A revoked session's tokens are refused here (the revocation list
	// holds the session); the rotation below also refuses it.
	c, err := s.verifier.Verify(ctx, refreshToken, authn.UseRefresh)
	if err != nil {
		return TokenPair{}, err
	}
	now := s.now()
	newRefreshID := newID("rt_")
	rotated, err := s.store.RotateRefresh(ctx, c.SessionID, c.ID, newRefreshID, now.Add(s.cfg.RefreshTTL))
	if err != nil {
		return TokenPair{}, err
	}
	if !rotated {
		// Not the session's current refresh token: it was used before, or
		// the session has ended. A reuse revokes the whole family.
		n, err := s.revokeSessions(ctx, 0, []string{c.SessionID}, "", "refresh_reuse")
		if err != nil {
			return TokenPair{}, err
		}
		if n == 0 {
			return TokenPair{}, ErrSessionRevoked
		}
		return TokenPair{}, ErrRefreshReused
	}
	roles, err := s.rbac.RolesOf(c.UserID)
	if err != nil {
		return TokenPair{}, err
	}
	// The used refresh token is not put on the revocation list: presenting
	// it again must reach the rotation above, which revokes the family.
	return s.pair(c.UserID, roles, c.SessionID, newRefreshID, now)
}

// Revoke revokes a token, and with wholeSession its session. Callers may
// revoke their own tokens; admins and services any.
func (s *Service) Revoke(ctx context.Context, caller authn.Principal, token string, wholeSession bool) error {
	if token == "" {
		return apperr.InvalidArgf("token is required")
	}
	c, err := s.Verify(ctx, token)
	if err != nil {
		if err == authn.ErrTokenExpired || err == authn.ErrTokenRevoked {
			return nil // nothing left to revoke
		}
		return err
	}
	if !caller.Privileged() && c.UserID != caller.UserID {
		return apperr.New(apperr.PermissionDenied, "you may only revoke your own tokens")
	}
	if wholeSession && c.SessionID != "" {
		// The session's entry outlives every token of the session.
		_, err = s.revokeSessions(ctx, 0, []string{c.SessionID}, "", "logout")
		return err
	}
	return s.revoke(ctx, authn.RevokeToken, c.ID, c.ExpiresAt.Time)
}

// RevokeUserSessions ends every session of an account but except.
func (s *Service) RevokeUserSessions(ctx context.Context, userID int64, except string) (int, error) {
	if userID <= 0 {
		return 0, apperr.InvalidArgf("user_id must be positive")
	}
	return s.revokeSessions(ctx, userID, nil, except, "revoke_all")
}

func (s *Service) revokeSessions(ctx context.Context, userID int64, ids []string, except, reason string) (int, error) {
	live, err := s.store.RevokeSessions(ctx, userID, ids, except, reason)
	if err != nil {
		return 0, err
	}
	for _, sess := range live {
		// A session's tokens live at most until its refresh token expires
		// plus one access token lifetime.
		if err := s.revoke(ctx, authn.RevokeSession, sess.ID, sess.ExpiresAt.Add(s.cfg.AccessTTL)); err != nil {
			return 0, err
		}
	}
	return len(live), nil
}

// revoke records an entry in the log and in the live list.
func (s *Service) revoke(ctx context.Context, kind, id string, until time.Time) error {
	if err := s.store.AppendRevocation(ctx, kind, id, until); err != nil {
		return err
	}
	return s.revoked.Revoke(ctx, kind, id, until)
}

// ListRevocations returns log entries after seq.
func (s *Service) ListRevocations(ctx context.Context, afterSeq int64, limit int) ([]authn.RevocationEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.store.RevocationsAfter(ctx, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	out := make([]authn.RevocationEntry, len(rows))
	for i, r := range rows {
		out[i] = authn.RevocationEntry{Kind: r.Kind, ID: r.EntryID, Until: r.Until, Seq: r.Seq}
	}
	return out, nil
}

// SigningKeys returns the verifying keys, read again from the store: the
// services ask when a token names a key they do not know, which another
// auth instance may have just made.
func (s *Service) SigningKeys(ctx context.Context) []signingKeyRow {
	_ = s.keys.Reload(ctx) // on failure, the keys in memory
	return s.keys.PublicKeys()
}

// CheckPermission reports whether a role, or an account's roles, may call
// service.method. It answers with the guard's own decision (authn.Allowed):
// public methods are open to everyone, internal ones to the service role
// only, whatever a policy says.
func (s *Service) CheckPermission(ctx context.Context, role string, userID int64, service, method string) (bool, error) {
	if service == "" || method == "" {
		return false, apperr.InvalidArgf("service and method are required")
	}
	var who authn.Principal
	switch {
	case role != "" && userID != 0:
		return false, apperr.InvalidArgf("give a role or a user_id, not both")
	case role == authn.RoleService:
		who = authn.Principal{Service: "(any service)", Roles: []string{role}}
	case role != "":
		who = authn.Principal{Roles: []string{role}}
	case userID > 0:
		if err := s.accounts.Exists(ctx, userID); err != nil {
			return false, err
		}
		roles, err := s.rbac.RolesOf(userID)
		if err != nil {
			return false, err
		}
		who = authn.Principal{UserID: userID, Roles: roles}
	default:
		return false, apperr.InvalidArgf("a role or a positive user_id is required")
	}
	_, ok, err := authn.Allowed(s.rbac, who, service, method)
	return ok, err
}

// AssignRole grants a role to an existing account; it shows in the
// account's next tokens.
func (s *Service) AssignRole(ctx context.Context, userID int64, role string) error {
	if userID <= 0 {
		return apperr.InvalidArgf("user_id must be positive")
	}
	if err := s.accounts.Exists(ctx, userID); err != nil {
		return err
	}
	return s.rbac.Assign(userID, role)
}

// RevokeRole withdraws a role and ends the account's sessions so that the
// tokens carrying the role stop working at once.
func (s *Service) RevokeRole(ctx context.Context, userID int64, role string) error {
	if userID <= 0 {
		return apperr.InvalidArgf("user_id must be positive")
	}
	had, err := s.rbac.Unassign(userID, role)
	if err != nil || !had {
		return err
	}
	_, err = s.revokeSessions(ctx, userID, nil, "", "role_revoked")
	return err
}

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
var methodPattern = regexp.MustCompile(`^(\*|[A-Z][A-Za-z0-9]{0,63})$`)

func (s *Service) checkPolicy(role, service, method string) error {
	switch {
	case !namePattern.MatchString(role):
		return apperr.InvalidArgf("role %s: want lower-case letters, digits, - or _", text.Quote(role))
	case role == authn.RoleService:
		return apperr.InvalidArgf("the service role's permissions are fixed")
	case !slices.Contains(authn.Services(), service):
		return apperr.InvalidArgf("unknown service %s: services are %s", text.Quote(service), strings.Join(authn.Services(), ", "))
	case !methodPattern.MatchString(method):
		return apperr.InvalidArgf("method %s: want a method name such as GetProduct, or *", text.Quote(method))
	}
	return nil
}

// AddPolicy allows role to call service.method: a protected method of the
// contract, or "*" for all of them. Public methods need no policy and
// internal ones accept services only, so policies on them are refused.
func (s *Service) AddPolicy(_ context.Context, role, service, method string) error {
	if err := s.checkPolicy(role, service, method); err != nil {
		return err
	}
	if method != "*" {
		access, err := authn.AccessOf(service, method)
		if err != nil {
			return err
		}
		switch access {
		case authn.Public:
			return apperr.InvalidArgf("%s.%s is public: every caller may call it, no policy is needed", service, method)
		case authn.Internal:
			return apperr.InvalidArgf("%s.%s is internal: only tempomall services may call it, whatever a policy says", service, method)
		}
	}
	_, err := s.rbac.AddPolicy(role, service, method)
	return err
}

// RemovePolicy withdraws a permission; NotFound if there was none.
func (s *Service) RemovePolicy(_ context.Context, role, service, method string) error {
	if err := s.checkPolicy(role, service, method); err != nil {
		return err
	}
	removed, err := s.rbac.RemovePolicy(role, service, method)
	if err == nil && !removed {
		return apperr.NotFoundf("no policy lets %s call %s.%s", role, service, method)
	}
	return err
}

// ListPolicies returns the policy and, when asked, role assignments.
func (s *Service) ListPolicies(ctx context.Context, role string, assignments bool, userID int64) (authn.PolicySnapshot, []Assignment, error) {
	return s.rbac.Snapshot(ctx, role, assignments, userID)
}
