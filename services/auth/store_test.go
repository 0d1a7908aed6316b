package auth

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/dbx/dbtest"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	return NewStore(dbtest.Open(t, "auth", Migrations))
}

// session returns a live session of an account.
func session(id string, userID int64) sessionRow {
	return sessionRow{ID: id, UserID: userID, RefreshTokenID: "rt-" + id + "-1", Generation: 1, ExpiresAt: time.Now().Add(time.Hour).UTC()}
}

func TestStoreSessions(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if err := s.CreateSession(ctx, session("a", 7)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, session("a", 8)); err == nil {
		t.Error("a second session with the same id was stored")
	}
	got, err := s.Session(ctx, "a")
	if err != nil || got.UserID != 7 || got.RefreshTokenID != "rt-a-1" || got.RevokedAt != nil {
		t.Errorf("session = %+v, %v", got, err)
	}
	if _, err := s.Session(ctx, "nope"); !errors.Is(err, ErrSessionNotFound) {
		t.Errorf("unknown session: %v", err)
	}
}

func TestStoreRotateRefresh(t *testing.T) {
	tests := []struct {
		name    string
		revoked bool
		oldID   string
		want    bool
		current string
	}{
		{"the current token", false, "rt-a-1", true, "rt-a-2"},
		{"a used token", false, "rt-a-0", false, "rt-a-1"},
		{"a revoked session", true, "rt-a-1", false, "rt-a-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			if err := s.CreateSession(ctx, session("a", 7)); err != nil {
				t.Fatal(err)
			}
			if tt.revoked {
				if _, err := s.RevokeSessions(ctx, 0, []string{"a"}, "", "test"); err != nil {
					t.Fatal(err)
				}
			}
			expires := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
			ok, err := s.RotateRefresh(ctx, "a", tt.oldID, "rt-a-2", expires)
			if err != nil || ok != tt.want {
				t.Fatalf("rotate = %v, %v; want %v", ok, err, tt.want)
			}
			got, _ := s.Session(ctx, "a")
			if got.RefreshTokenID != tt.current {
				t.Errorf("current refresh token %s, want %s", got.RefreshTokenID, tt.current)
			}
			if tt.want && (got.Generation != 2 || !got.ExpiresAt.Equal(expires)) {
				t.Errorf("after rotation: generation %d, expires %v (want 2, %v)", got.Generation, got.ExpiresAt, expires)
			}
		})
	}
}

func TestStoreRevokeSessions(t *testing.T) {
	tests := []struct {
		name   string
		userID int64
		ids    []string
		except string
		want   []string // sessions revoked now
	}{
		{"by id", 0, []string{"a1", "b1"}, "", []string{"a1", "b1"}},
		{"an already revoked one is left out", 0, []string{"a3"}, "", nil},
		{"all of an account", 7, nil, "", []string{"a1", "a2"}},
		{"all of an account but one", 7, nil, "a2", []string{"a1"}},
		{"an account without sessions", 9, nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			for _, r := range []sessionRow{session("a1", 7), session("a2", 7), session("a3", 7), session("b1", 8)} {
				if err := s.CreateSession(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.RevokeSessions(ctx, 0, []string{"a3"}, "", "earlier"); err != nil {
				t.Fatal(err)
			}
			live, err := s.RevokeSessions(ctx, tt.userID, tt.ids, tt.except, "test")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range live {
				got = append(got, r.ID)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("revoked (-want +got):\n%s", diff)
			}
			for _, id := range tt.want {
				r, _ := s.Session(ctx, id)
				if r.RevokedAt == nil || r.RevokeReason != "test" {
					t.Errorf("%s: revoked at %v for %q", id, r.RevokedAt, r.RevokeReason)
				}
			}
			if r, _ := s.Session(ctx, "a3"); r.RevokeReason != "earlier" {
				t.Errorf("an earlier revocation was overwritten: %q", r.RevokeReason)
			}
			again, err := s.RevokeSessions(ctx, tt.userID, tt.ids, tt.except, "test")
			if err != nil || len(again) != 0 {
				t.Errorf("revoking again: %d sessions, %v", len(again), err)
			}
		})
	}
}

func TestStoreRevocationLog(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now().UTC()
	add := func(kind, id string, until time.Time) {
		t.Helper()
		if err := s.AppendRevocation(ctx, kind, id, until); err != nil {
			t.Fatalf("append %s %s: %v", kind, id, err)
		}
	}
	add("token", "t1", now.Add(time.Hour))
	add("session", "s1", now.Add(time.Hour))
	add("token", "t1", now.Add(2*time.Hour)) // once per entry
	add("token", "old", now.Add(-time.Minute))
	add("session", "t1", now.Add(time.Hour)) // another kind, same id
	type entry struct{ Kind, ID string }
	list := func(after int64, limit int) ([]entry, []int64) {
		t.Helper()
		rows, err := s.RevocationsAfter(ctx, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		var es []entry
		var seqs []int64
		for _, r := range rows {
			es, seqs = append(es, entry{r.Kind, r.EntryID}), append(seqs, r.Seq)
		}
		return es, seqs
	}
	all, seqs := list(0, 100)
	if diff := cmp.Diff([]entry{{"token", "t1"}, {"session", "s1"}, {"session", "t1"}}, all); diff != "" {
		t.Errorf("unexpired entries (-want +got):\n%s", diff)
	}
	if !slices.IsSorted(seqs) {
		t.Errorf("entries out of order: %v", seqs)
	}
	if got, _ := list(seqs[0], 1); !cmp.Equal(got, []entry{{"session", "s1"}}) {
		t.Errorf("after the first, limit 1: %v", got)
	}
	live, err := s.LiveRevocations(ctx)
	if err != nil || len(live) != 3 {
		t.Errorf("live: %d, %v", len(live), err)
	}
	if err := s.PurgeExpired(ctx, now.Add(90*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := s.db.Model(&revocationRow{}).Count(&n).Error; err != nil || n != 0 {
		t.Errorf("%d entries after purging everything expired, %v", n, err)
	}
}

func TestStorePurgeSessions(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Now().UTC()
	old := session("old", 7)
	old.ExpiresAt = now.Add(-25 * time.Hour)
	recent := session("recent", 7)
	recent.ExpiresAt = now.Add(-time.Hour)
	for _, r := range []sessionRow{old, recent, session("live", 7)} {
		if err := s.CreateSession(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PurgeExpired(ctx, now); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range []string{"old", "recent", "live"} {
		if _, err := s.Session(ctx, id); err == nil {
			got = append(got, id)
		}
	}
	// A session is kept a day past its expiry, so that a late reuse of
	// its refresh token is still recognised.
	if diff := cmp.Diff([]string{"recent", "live"}, got); diff != "" {
		t.Errorf("sessions kept (-want +got):\n%s", diff)
	}
}

func TestStoreKeys(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, id := range []string{"k1", "k2", "k3"} {
		if err := s.AddKey(ctx, signingKeyRow{KeyID: id, PrivateKey: []byte("seed-" + id), PublicKey: []byte("pub-" + id), CreatedAt: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // distinct creation times
	}
	// k1 retired long ago.
	if err := s.db.Model(&signingKeyRow{}).Where("key_id = ?", "k1").Update("retired_at", time.Now().Add(-48*time.Hour).UTC()).Error; err != nil {
		t.Fatal(err)
	}
	rows, err := s.Keys(ctx, time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		ID      string
		Active  bool
		Retired bool
		Private string
	}
	var got []key
	for _, r := range rows {
		got = append(got, key{r.KeyID, r.Active, r.RetiredAt != nil, string(r.PrivateKey)})
	}
	want := []key{{"k3", true, false, "seed-k3"}, {"k2", false, true, "seed-k2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys newest first (-want +got):\n%s", diff)
	}
}
