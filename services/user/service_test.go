package user

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
)

func TestRegister(t *testing.T) {
	long := strings.Repeat("a", 250) + "@example.com"
	tests := []struct {
		name, email, username, password string
		want                            string // the failure kind, or "ok"
		msg                             string // a part of the message
	}{
		{"valid", "ada@example.com", "ada", testPassword, "ok", ""},
		{"spaces trimmed", "  ada@example.com ", " ada ", testPassword, "ok", ""},
		{"no at sign", "ada.example.com", "ada", testPassword, "InvalidArgument", "not a valid address"},
		{"no domain dot", "ada@localhost", "ada", testPassword, "InvalidArgument", "not a valid address"},
		{"display name", "Ada <ada@example.com>", "ada", testPassword, "InvalidArgument", "not a valid address"},
		{"too long", long, "ada", testPassword, "InvalidArgument", "not a valid address"},
		{"empty email", "", "ada", testPassword, "InvalidArgument", "not a valid address"},
		{"username too short", "ada@example.com", "ad", testPassword, "InvalidArgument", "username \"ad\" must be 3-32 characters"},
		{"username too long", "ada@example.com", "a" + strings.Repeat("b", 32), testPassword, "InvalidArgument", "3-32 characters"},
		{"username starts with a digit", "ada@example.com", "1ada", testPassword, "InvalidArgument", "a letter, then"},
		{"username with @", "ada@example.com", "ada@home", testPassword, "InvalidArgument", "letters, digits, _ . or -"},
		{"username with space", "ada@example.com", "ada l", testPassword, "InvalidArgument", "letters, digits"},
		{"weak password", "ada@example.com", "ada", "short", "InvalidArgument", "password must be at least 8 characters long"},
		{"password is the username", "ada@example.com", "adalovelace9", "AdaLovelace9", "InvalidArgument", "differ from the email and the username"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			a, err := f.svc.Register(context.Background(), tt.email, tt.username, tt.password)
			if got := kindOf(err); got != tt.want || (err != nil && !strings.Contains(err.Error(), tt.msg)) {
				t.Fatalf("got %s %v, want %s containing %q", got, err, tt.want, tt.msg)
			}
			if err != nil {
				return
			}
			want := Account{ID: a.ID, Email: strings.TrimSpace(tt.email), Username: strings.TrimSpace(tt.username), Roles: []string{authn.RoleCustomer}}
			if diff := cmp.Diff(want, a, cmpopts.IgnoreFields(Account{}, "CreatedAt", "UpdatedAt")); diff != "" || a.ID == 0 {
				t.Errorf("account (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRegisterUniqueness(t *testing.T) {
	tests := []struct {
		name            string
		email, username string
		want            error
	}{
		{"same email", "ada@example.com", "other", ErrEmailTaken},
		{"email in another case", "ADA@Example.COM", "other", ErrEmailTaken},
		{"email and username taken: the email is named", "Ada@example.com", "ADA", ErrEmailTaken},
		{"same username", "other@example.com", "ada", ErrUsernameTaken},
		{"username in another case", "other@example.com", "AdA", ErrUsernameTaken},
		{"both new", "other@example.com", "other", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.register("ada@example.com", "ada")
			_, err := f.svc.Register(context.Background(), tt.email, tt.username, testPassword)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if tt.want != nil && apperr.KindOf(err) != apperr.AlreadyExists {
				t.Errorf("kind %v, want AlreadyExists", apperr.KindOf(err))
			}
		})
	}
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name, login, password string
		want                  string
	}{
		{"by email", "ada@example.com", testPassword, "ok"},
		{"by email in another case", " ADA@Example.com ", testPassword, "ok"},
		{"by username", "ada", testPassword, "ok"},
		{"by username in another case", "ADA", testPassword, "ok"},
		{"wrong password", "ada", "pass-word-2", "Unauthenticated"},
		{"password in another case", "ada", strings.ToUpper(testPassword), "Unauthenticated"},
		{"unknown account", "bob", testPassword, "Unauthenticated"},
		{"empty login", "", testPassword, "InvalidArgument"},
		{"empty password", "ada", "", "InvalidArgument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			reg := f.register("ada@example.com", "ada")
			f.sessions.roles[reg.ID] = []string{"admin"}
			a, s, err := f.svc.Login(context.Background(), tt.login, tt.password, "192.0.2.1")
			if got := kindOf(err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if tt.want == "Unauthenticated" && !errors.Is(err, ErrBadCredentials) {
				t.Errorf("got %v, want the one bad-credentials answer", err)
			}
			if err != nil {
				return
			}
			if a.ID != reg.ID || s.AccessToken == "" || s.RefreshToken == "" {
				t.Errorf("login = %+v, %+v", a, s)
			}
			if diff := cmp.Diff([]string{"customer", "admin"}, a.Roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoginThrottled checks the throttle through Login: one account's
// failures count together whether it is named by email or username, a
// throttled attempt is refused even with the right password, and a success
// forgets them.
func TestLoginThrottled(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.register("ada@example.com", "ada")
	f.register("bob@example.com", "bob")
	bad := func(login, addr string) error {
		_, _, err := f.svc.Login(ctx, login, "wrong-pass-1", addr)
		return err
	}
	if err := bad("ada@example.com", "192.0.2.1"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("first failure: %v", err)
	}
	if err := bad("ADA", "192.0.2.2"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("second failure: %v", err)
	}
	// Two failures of the account, under two names and from two
	// addresses: the next attempt must wait a second.
	_, _, err := f.svc.Login(ctx, "ada", testPassword, "192.0.2.3")
	if !errors.Is(err, ErrThrottled) || !strings.Contains(err.Error(), "retry in 1 seconds") {
		t.Fatalf("third attempt, right password: %v, want a throttled refusal", err)
	}
	if _, _, err := f.svc.Login(ctx, "bob", testPassword, "192.0.2.3"); err != nil {
		t.Fatalf("another account: %v", err)
	}
	f.clock.Advance(time.Second)
	if _, _, err := f.svc.Login(ctx, "ada@example.com", testPassword, "192.0.2.3"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	// The success forgot the failures: two more are free again.
	for i := range 2 {
		if err := bad("ada", "192.0.2.4"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d after success: %v", i, err)
		}
	}
	// Unknown logins are throttled too, under their own name.
	for range 2 {
		_ = bad("nobody", "192.0.2.5")
	}
	if err := bad("nobody", "192.0.2.6"); !errors.Is(err, ErrThrottled) {
		t.Fatalf("unknown login: %v, want throttled", err)
	}
	// Lock the account: refused for the lockout, then allowed.
	f.clock.Advance(time.Minute)
	for range testAccountRule.LockAfter {
		_ = bad("ada", "")
		f.clock.Advance(10 * time.Second)
	}
	_, _, err = f.svc.Login(ctx, "ada", testPassword, "")
	if !errors.Is(err, ErrThrottled) || apperr.KindOf(err) != apperr.ResourceExhausted || !strings.Contains(err.Error(), "retry in 50 seconds") {
		t.Fatalf("locked: %v", err)
	}
	f.clock.Advance(50 * time.Second)
	if _, _, err := f.svc.Login(ctx, "ada", testPassword, ""); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	a := f.register("ada@example.com", "ada")
	s1, s2 := f.login("ada", testPassword), f.login("ada", testPassword)
	if err := f.svc.Logout(as(a.ID, s1)); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if diff := cmp.Diff([]string{s2}, f.sessions.liveOf(a.ID)); diff != "" {
		t.Errorf("live sessions after logout (-want +got):\n%s", diff)
	}
	if err := f.svc.Logout(context.Background()); apperr.KindOf(err) != apperr.Unauthenticated {
		t.Errorf("logout without a caller: %v, want Unauthenticated", err)
	}
}

func TestGetUser(t *testing.T) {
	f := newFixture(t)
	ada := f.register("ada@example.com", "ada")
	bob := f.register("bob@example.com", "bob")
	f.sessions.roles[bob.ID] = []string{"support"}
	admin := as(99, "s", authn.RoleAdmin)
	service := authn.WithPrincipal(context.Background(), authn.Principal{Service: "order", Roles: []string{authn.RoleService}})
	tests := []struct {
		name   string
		ctx    context.Context
		id     int64
		want   string
		wantID int64
		roles  []string
	}{
		{"own, implicit", as(ada.ID, "s"), 0, "ok", ada.ID, []string{"customer"}},
		{"own, explicit", as(ada.ID, "s"), ada.ID, "ok", ada.ID, []string{"customer"}},
		{"another's", as(ada.ID, "s"), bob.ID, "PermissionDenied", 0, nil},
		{"admin reads any", admin, bob.ID, "ok", bob.ID, []string{"customer", "support"}},
		{"service reads any", service, ada.ID, "ok", ada.ID, []string{"customer"}},
		{"service must name one", service, 0, "InvalidArgument", 0, nil},
		{"unknown account", admin, 12345, "NotFound", 0, nil},
		{"negative id", admin, -1, "InvalidArgument", 0, nil},
		{"no caller", context.Background(), 0, "Unauthenticated", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.svc.Get(tt.ctx, tt.id)
			if got := kindOf(err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if err == nil && (a.ID != tt.wantID || !cmp.Equal(a.Roles, tt.roles)) {
				t.Errorf("got account %d roles %v, want %d %v", a.ID, a.Roles, tt.wantID, tt.roles)
			}
		})
	}
}

func TestUpdateUser(t *testing.T) {
	tests := []struct {
		name  string
		admin bool // the admin changes ada's account
		up    Update
		want  string
		// after: ada's email and username, and which of her sessions
		// (s1 is the caller's) are still live.
		email, username string
		live            []string
	}{
		{"username", false, Update{Username: ptr("Ada_L")}, "ok", "ada@example.com", "Ada_L", []string{"ses-1", "ses-2"}},
		{"email", false, Update{Email: ptr("Ada@Lovelace.org")}, "ok", "Ada@Lovelace.org", "ada", []string{"ses-1", "ses-2"}},
		{"email taken in another case", false, Update{Email: ptr("BOB@example.com")}, "AlreadyExists", "ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"username taken in another case", false, Update{Username: ptr("Bob")}, "AlreadyExists", "ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"invalid email", false, Update{Email: ptr("nope")}, "InvalidArgument", "ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"invalid username", false, Update{Username: ptr("x")}, "InvalidArgument", "ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"nothing", false, Update{}, "InvalidArgument", "ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"password: ends the other sessions", false, Update{NewPassword: ptr("new-pass-2"), OldPassword: testPassword}, "ok",
			"ada@example.com", "ada", []string{"ses-1"}},
		{"password without the old one", false, Update{NewPassword: ptr("new-pass-2")}, "FailedPrecondition",
			"ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"password with a wrong old one", false, Update{NewPassword: ptr("new-pass-2"), OldPassword: "pass-word-9"}, "FailedPrecondition",
			"ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"weak new password", false, Update{NewPassword: ptr("short"), OldPassword: testPassword}, "InvalidArgument",
			"ada@example.com", "ada", []string{"ses-1", "ses-2"}},
		{"admin resets a password: every session ends", true, Update{NewPassword: ptr("new-pass-2")}, "ok",
			"ada@example.com", "ada", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ada := f.register("ada@example.com", "ada")
			f.register("bob@example.com", "bob")
			s1, _ := f.login("ada", testPassword), f.login("ada", testPassword)
			ctx, id := as(ada.ID, s1), int64(0)
			if tt.admin {
				ctx, id = as(99, "admin-session", authn.RoleAdmin), ada.ID
			}
			_, updateErr := f.svc.Update(ctx, id, tt.up)
			if got := kindOf(updateErr); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, updateErr, tt.want)
			}
			got, err := f.store.ByID(context.Background(), ada.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Email != tt.email || got.Username != tt.username ||
				got.EmailNormalized != strings.ToLower(tt.email) || got.UsernameNormalized != strings.ToLower(tt.username) {
				t.Errorf("account = %s %s (%s %s), want %s %s", got.Email, got.Username, got.EmailNormalized, got.UsernameNormalized, tt.email, tt.username)
			}
			if diff := cmp.Diff(tt.live, f.sessions.liveOf(ada.ID)); diff != "" {
				t.Errorf("live sessions (-want +got):\n%s", diff)
			}
			newPassword := tt.up.NewPassword != nil && updateErr == nil
			if _, _, err := f.svc.Login(context.Background(), "ada", "new-pass-2", ""); (err == nil) != newPassword {
				t.Errorf("login with the new password: %v (password changed: %v)", err, newPassword)
			}
		})
	}
}

// TestUpdateAnotherAccount checks that customers may change only their own
// account.
func TestUpdateAnotherAccount(t *testing.T) {
	f := newFixture(t)
	ada := f.register("ada@example.com", "ada")
	bob := f.register("bob@example.com", "bob")
	_, err := f.svc.Update(as(ada.ID, "s"), bob.ID, Update{NewPassword: ptr("new-pass-2"), OldPassword: testPassword})
	if apperr.KindOf(err) != apperr.PermissionDenied {
		t.Errorf("got %v, want PermissionDenied", err)
	}
}
