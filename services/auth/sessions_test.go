package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
)

const (
	revokedMsg = "Unauthenticated: token revoked; log in again"
	reusedMsg  = "Unauthenticated: refresh token already used: the session was revoked for safety; log in again"
)

func TestRefreshRotates(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	first := f.login(7)
	second := f.refresh(first.RefreshToken)
	third := f.refresh(second.RefreshToken)
	if second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken {
		t.Fatal("refresh returned the same tokens")
	}
	if second.Access.SessionID != first.Access.SessionID || third.Access.SessionID != first.Access.SessionID {
		t.Errorf("refresh changed the session")
	}
	sess, err := f.store.Session(ctx, first.Access.SessionID)
	if err != nil || sess.Generation != 3 {
		t.Errorf("session generation %d, %v; want 3", sess.Generation, err)
	}
	// Access tokens of earlier generations stay valid until they expire.
	for i, tok := range []string{first.AccessToken, second.AccessToken, third.AccessToken} {
		if got := f.access(tok); got != "ok" {
			t.Errorf("access token %d: %s", i, got)
		}
	}
	// An access token is no refresh token.
	if _, err := f.svc.Refresh(ctx, third.AccessToken); !errors.Is(err, authn.ErrTokenWrongUse) {
		t.Errorf("refresh with an access token: %v", err)
	}
	if _, err := f.svc.Refresh(ctx, ""); apperr.KindOf(err) != apperr.InvalidArgument {
		t.Errorf("refresh with nothing: %v", err)
	}
}

// TestRefreshReuse presents an already used refresh token: the whole
// family is revoked, the newest tokens included.
func TestRefreshReuse(t *testing.T) {
	tests := []struct {
		name  string
		reuse func(first, second, third TokenPair) string
	}{
		{"the first refresh token, after one rotation", func(first, _, _ TokenPair) string { return first.RefreshToken }},
		{"the second refresh token, after two", func(_, second, _ TokenPair) string { return second.RefreshToken }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			other := f.login(7) // another session of the account
			first := f.login(7)
			second := f.refresh(first.RefreshToken)
			third := second
			if tt.name != tests[0].name {
				third = f.refresh(second.RefreshToken)
			}
			_, err := f.svc.Refresh(ctx, tt.reuse(first, second, third))
			if got := outcome(err); got != reusedMsg {
				t.Fatalf("reuse: %s", got)
			}
			got := map[string]string{
				"first access":   f.access(first.AccessToken),
				"newest access":  f.access(third.AccessToken),
				"other session":  f.access(other.AccessToken),
				"newest refresh": refreshOutcome(f, third.RefreshToken),
			}
			want := map[string]string{
				"first access": revokedMsg, "newest access": revokedMsg,
				"other session": "ok", "newest refresh": revokedMsg,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("after reuse (-want +got):\n%s", diff)
			}
			sess, _ := f.store.Session(ctx, first.Access.SessionID)
			if sess.RevokedAt == nil || sess.RevokeReason != "refresh_reuse" {
				t.Errorf("session revoked at %v for %q", sess.RevokedAt, sess.RevokeReason)
			}
		})
	}
}

func refreshOutcome(f *fixture, token string) string {
	_, err := f.svc.Refresh(context.Background(), token)
	return outcome(err)
}

// TestConcurrentRefresh refreshes one token from many goroutines at once:
// exactly one wins; the others present a token that is (by then) used,
// which revokes the family.
func TestConcurrentRefresh(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	first := f.login(7)
	const n = 8
	results := make([]error, n)
	pairs := make([]TokenPair, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			pairs[i], results[i] = f.svc.Refresh(ctx, first.RefreshToken)
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	for _, err := range results {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, ErrRefreshReused), errors.Is(err, authn.ErrTokenRevoked), errors.Is(err, ErrSessionRevoked):
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d refreshes won, want exactly 1", wins)
	}
	sess, err := f.store.Session(ctx, first.Access.SessionID)
	if err != nil || sess.Generation != 2 {
		t.Errorf("generation %d (%v), want 2: one rotation", sess.Generation, err)
	}
	if sess.RevokedAt == nil {
		t.Errorf("the losers presented a used token, but the family is live")
	}
}

func TestRevoke(t *testing.T) {
	tests := []struct {
		name         string
		caller       func() authn.Principal
		token        func(mine, theirs TokenPair) string
		wholeSession bool
		want         string
		// after: my access token, another access token of my session
		// (after a refresh), my refresh token, and another account's.
		after map[string]string
	}{
		{"my access token", mine, func(m, _ TokenPair) string { return m.AccessToken }, false, "ok",
			map[string]string{"access": revokedMsg, "sibling": "ok", "refresh": "ok", "theirs": "ok"}},
		{"my whole session", mine, func(m, _ TokenPair) string { return m.AccessToken }, true, "ok",
			map[string]string{"access": revokedMsg, "sibling": revokedMsg, "refresh": revokedMsg, "theirs": "ok"}},
		{"my refresh token", mine, func(m, _ TokenPair) string { return m.RefreshToken }, false, "ok",
			map[string]string{"access": "ok", "sibling": "ok", "refresh": revokedMsg, "theirs": "ok"}},
		{"someone else's", mine, func(_, th TokenPair) string { return th.AccessToken }, true,
			"PermissionDenied: you may only revoke your own tokens",
			map[string]string{"access": "ok", "sibling": "ok", "refresh": "ok", "theirs": "ok"}},
		{"an admin revokes anyone's", admin, func(_, th TokenPair) string { return th.AccessToken }, true, "ok",
			map[string]string{"access": "ok", "sibling": "ok", "refresh": "ok", "theirs": revokedMsg}},
		{"a service revokes anyone's (logout)", service, func(m, _ TokenPair) string { return m.AccessToken }, true, "ok",
			map[string]string{"access": revokedMsg, "sibling": revokedMsg, "refresh": revokedMsg, "theirs": "ok"}},
		{"an invalid token", mine, func(TokenPair, TokenPair) string { return "nope" }, false,
			"Unauthenticated: malformed token", nil},
		{"no token", mine, func(TokenPair, TokenPair) string { return "" }, false, "InvalidArgument: token is required", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			my := f.login(7)
			theirs := f.login(8)
			sibling := f.refresh(my.RefreshToken)
			my.RefreshToken = sibling.RefreshToken
			err := f.svc.Revoke(ctx, tt.caller(), tt.token(my, theirs), tt.wholeSession)
			if got := outcome(err); got != tt.want {
				t.Fatalf("revoke: %s, want %s", got, tt.want)
			}
			if tt.after == nil {
				return
			}
			got := map[string]string{
				"access": f.access(my.AccessToken), "sibling": f.access(sibling.AccessToken),
				"refresh": refreshOutcome(f, my.RefreshToken), "theirs": f.access(theirs.AccessToken),
			}
			if diff := cmp.Diff(tt.after, got); diff != "" {
				t.Errorf("after (-want +got):\n%s", diff)
			}
			// Revoking again is a no-op.
			if err == nil {
				if err := f.svc.Revoke(ctx, tt.caller(), tt.token(my, theirs), tt.wholeSession); err != nil {
					t.Errorf("revoke again: %v", err)
				}
			}
		})
	}
}

func mine() authn.Principal {
	return authn.Principal{UserID: 7, Roles: []string{authn.RoleCustomer}}
}

func admin() authn.Principal {
	return authn.Principal{UserID: 1, Roles: []string{authn.RoleCustomer, authn.RoleAdmin}}
}

func service() authn.Principal {
	return authn.Principal{Service: "user", Roles: []string{authn.RoleService}}
}

func TestRevokeUserSessions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, b, c := f.login(7), f.login(7), f.login(7)
	other := f.login(8)
	n, err := f.svc.RevokeUserSessions(ctx, 7, b.Access.SessionID)
	if err != nil || n != 2 {
		t.Fatalf("revoked %d, %v; want 2", n, err)
	}
	got := []string{f.access(a.AccessToken), f.access(b.AccessToken), f.access(c.AccessToken), f.access(other.AccessToken)}
	if diff := cmp.Diff([]string{revokedMsg, "ok", revokedMsg, "ok"}, got); diff != "" {
		t.Errorf("after (-want +got):\n%s", diff)
	}
	if n, err := f.svc.RevokeUserSessions(ctx, 7, ""); err != nil || n != 1 {
		t.Errorf("the rest: %d, %v; want 1", n, err)
	}
	if _, err := f.svc.RevokeUserSessions(ctx, 0, ""); apperr.KindOf(err) != apperr.InvalidArgument {
		t.Errorf("user 0: %v", err)
	}
}

// TestRevocationLog checks that every revocation reaches the log that
// other processes read, in order, until it expires.
func TestRevocationLog(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.login(7)
	q := f.login(8)
	if err := f.svc.Revoke(ctx, mine(), p.AccessToken, false); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Revoke(ctx, mine(), p.RefreshToken, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RevokeUserSessions(ctx, 8, ""); err != nil {
		t.Fatal(err)
	}
	entries, err := f.svc.ListRevocations(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	type entry struct{ Kind, ID string }
	var got []entry
	for i, e := range entries {
		got = append(got, entry{e.Kind, e.ID})
		if i > 0 && e.Seq <= entries[i-1].Seq {
			t.Errorf("entries out of order: %d after %d", e.Seq, entries[i-1].Seq)
		}
	}
	want := []entry{
		{authn.RevokeToken, p.Access.ID},
		{authn.RevokeSession, p.Access.SessionID},
		{authn.RevokeSession, q.Access.SessionID},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	if d := entries[0].Until.Sub(p.AccessExpires); d < -time.Second || d > time.Second {
		t.Errorf("a token's entry lasts until %v, want its expiry %v", entries[0].Until, p.AccessExpires)
	}
	if d := entries[1].Until.Sub(p.RefreshExpires.Add(testAccessTTL)); d < -time.Second || d > time.Second {
		t.Errorf("a session's entry lasts until %v, want its refresh expiry plus an access lifetime", entries[1].Until)
	}
	after, err := f.svc.ListRevocations(ctx, entries[0].Seq, 1)
	if err != nil || len(after) != 1 || after[0].Seq != entries[1].Seq {
		t.Errorf("after the first, limit 1: %+v, %v", after, err)
	}
	// A fresh in-process list filled from the log refuses the same tokens.
	fresh := authn.NewMemoryRevocations()
	for _, e := range entries {
		_ = fresh.Revoke(ctx, e.Kind, e.ID, e.Until)
	}
	v := authn.NewVerifier(f.keys, fresh)
	if _, err := v.Verify(ctx, q.AccessToken, authn.UseAccess); !errors.Is(err, authn.ErrTokenRevoked) {
		t.Errorf("verify against the copied list: %v", err)
	}
}
