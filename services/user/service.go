package user

import (
	"context"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
)

// Account is an account as the service returns it.
type Account struct {
	ID        int64
	Email     string
	Username  string
	Roles     []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Session is a login's tokens.
type Session struct {
	AccessToken    string
	AccessExpires  time.Time
	RefreshToken   string
	RefreshExpires time.Time
	// Roles are the account's roles, as the tokens carry them.
	Roles []string
}

// Sessions is what the user service needs from the auth service.
type Sessions interface {
	// Start issues the tokens of a new session, with the account's roles.
	Start(ctx context.Context, userID int64) (Session, error)
	// End revokes the session of an access token.
	End(ctx context.Context, accessToken string) error
	// EndOthers revokes every session of an account but keep.
	EndOthers(ctx context.Context, userID int64, keep string) error
	// Roles returns an account's roles.
	Roles(ctx context.Context, userID int64) ([]string, error)
}

// Service holds the account rules.
type Service struct {
	store    *Store
	hasher   *Hasher
	throttle *LoginThrottle
	sessions Sessions
}

// NewService wires the user service.
func NewService(store *Store, hasher *Hasher, throttle *LoginThrottle, sessions Sessions) *Service {
	return &Service{store: store, hasher: hasher, throttle: throttle, sessions: sessions}
}

// ErrBadCredentials is the one answer to a wrong login or password, so
// that callers cannot tell which accounts exist.
var ErrBadCredentials = apperr.New(apperr.Unauthenticated, "wrong login or password")

var usernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{2,31}$`)

func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return "", apperr.InvalidArgf("email %q is not a valid address such as name@example.com", email)
	}
	return strings.ToLower(email), nil
}

func checkUsername(name string) error {
	if !usernamePattern.MatchString(name) {
		return apperr.InvalidArgf("username %q must be 3-32 characters: a letter, then letters, digits, _ . or -", name)
	}
	return nil
}

// Register creates a customer account.
func (s *Service) Register(ctx context.Context, email, username, password string) (Account, error) {
	norm, err := normalizeEmail(email)
	if err != nil {
		return Account{}, err
	}
	username = strings.TrimSpace(username)
	if err := checkUsername(username); err != nil {
		return Account{}, err
	}
	if err := checkPassword(password, norm, username); err != nil {
		return Account{}, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return Account{}, err
	}
	now := time.Now().UTC()
	u := userRow{
		Email: strings.TrimSpace(email), EmailNormalized: norm,
		Username: username, UsernameNormalized: strings.ToLower(username),
		PasswordHash: hash, PasswordChangedAt: now,
	}
	if err := s.store.Create(ctx, &u); err != nil {
		return Account{}, err
	}
	return account(u, []string{authn.RoleCustomer}), nil
}

// Login checks credentials and starts a session. address is the client's
// network address, for throttling.
func (s *Service) Login(ctx context.Context, login, password, address string) (Account, Session, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" || password == "" {
		return Account{}, Session{}, apperr.InvalidArgf("login and password are required")
	}
	u, err := s.store.ByLogin(ctx, login)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Account{}, Session{}, err
	}
	// Failures count per account, whether it is named by email or by
	// username; an unknown login counts under its own name.
	key := "name:" + login
	if u.ID != 0 {
		key = "id:" + strconv.FormatInt(u.ID, 10)
	}
	if err := s.throttle.Check(ctx, key, address); err != nil {
		return Account{}, Session{}, err
	}
	ok, err := s.hasher.Matches(ctx, u.PasswordHash, password)
	if err != nil {
		return Account{}, Session{}, err
	}
	if !ok {
		s.throttle.Failed(ctx, key, address)
		return Account{}, Session{}, ErrBadCredentials
	}
	s.throttle.Succeeded(ctx, key)
	sess, err := s.sessions.Start(ctx, u.ID)
	if err != nil {
		return Account{}, Session{}, err
	}
	return account(u, sess.Roles), sess, nil
}

// Logout ends the caller's session.
func (s *Service) Logout(ctx context.Context) error {
	p, err := authn.Caller(ctx)
	if err != nil {
		return err
	}
	return s.sessions.End(ctx, p.Token)
}

// Get returns an account; customers may read only their own.
func (s *Service) Get(ctx context.Context, userID int64) (Account, error) {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return Account{}, err
	}
	u, err := s.store.ByID(ctx, id)
	if err != nil {
		return Account{}, err
	}
	roles, err := s.rolesOf(ctx, id)
	if err != nil {
		return Account{}, err
	}
	return account(u, roles), nil
}

// rolesOf returns the caller's roles from its token, others' from auth.
func (s *Service) rolesOf(ctx context.Context, id int64) ([]string, error) {
	if p, ok := authn.FromContext(ctx); ok && p.UserID == id {
		return p.Roles, nil
	}
	return s.sessions.Roles(ctx, id)
}

// Update is a change to an account; nil fields stay.
type Update struct {
	Username    *string
	Email       *string
	NewPassword *string
	OldPassword string
}

// Update changes an account. A password change needs the old password
// (except an admin changing another account) and ends the account's other
// sessions.
func (s *Service) Update(ctx context.Context, userID int64, up Update) (Account, error) {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return Account{}, err
	}
	caller, _ := authn.FromContext(ctx)
	self := caller.UserID == id
	u, err := s.store.ByID(ctx, id)
	if err != nil {
		return Account{}, err
	}
	fields := map[string]any{}
	if up.Username != nil {
		name := strings.TrimSpace(*up.Username)
		if err := checkUsername(name); err != nil {
			return Account{}, err
		}
		fields["username"], fields["username_normalized"] = name, strings.ToLower(name)
	}
	if up.Email != nil {
		norm, err := normalizeEmail(*up.Email)
		if err != nil {
			return Account{}, err
		}
		fields["email"], fields["email_normalized"] = strings.TrimSpace(*up.Email), norm
	}
	if up.NewPassword != nil {
		if self {
			ok, err := s.hasher.Matches(ctx, u.PasswordHash, up.OldPassword)
			if err != nil {
				return Account{}, err
			}
			if !ok {
				return Account{}, apperr.New(apperr.FailedPrecondition, "old_password is wrong; a password change needs the current password")
			}
		}
		if err := checkPassword(*up.NewPassword, u.EmailNormalized, u.Username); err != nil {
			return Account{}, err
		}
		hash, err := s.hasher.Hash(ctx, *up.NewPassword)
		if err != nil {
			return Account{}, err
		}
		fields["password_hash"], fields["password_changed_at"] = hash, time.Now().UTC()
	}
	if len(fields) == 0 {
		return Account{}, apperr.InvalidArgf("nothing to update: set username, email or new_password")
	}
	if err := s.store.Update(ctx, &u, fields); err != nil {
		return Account{}, err
	}
	if up.NewPassword != nil {
		keep := ""
		if self {
			keep = caller.SessionID
		}
		if err := s.sessions.EndOthers(ctx, id, keep); err != nil {
			return Account{}, err
		}
	}
	roles, err := s.rolesOf(ctx, id)
	if err != nil {
		return Account{}, err
	}
	return account(u, roles), nil
}

func account(u userRow, roles []string) Account {
	return Account{ID: u.ID, Email: u.Email, Username: u.Username, Roles: roles, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}
