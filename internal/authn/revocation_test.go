package authn

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/dbx/redistest"
)

// revocationLists are the lists under test: in process, and Redis when
// TEMPOMALL_TEST_REDIS_ADDR is set.
func revocationLists(t *testing.T) map[string]func() Revocations {
	m := map[string]func() Revocations{"memory": func() Revocations { return NewMemoryRevocations() }}
	if redistest.Enabled() {
		m["redis"] = func() Revocations {
			rdb, prefix := redistest.Open(t)
			return NewRedisRevocations(rdb, prefix)
		}
	}
	return m
}

func TestRevocations(t *testing.T) {
	hour := time.Hour
	type entry struct {
		kind, id string
		in       time.Duration // until = now + in
	}
	type query struct{ token, session string }
	tests := []struct {
		name    string
		entries []entry
		queries []query
		want    []bool
	}{
		{"empty", nil, []query{{"t1", "s1"}}, []bool{false}},
		{"a token", []entry{{RevokeToken, "t1", hour}},
			[]query{{"t1", "s1"}, {"t2", "s1"}, {"t1", ""}}, []bool{true, false, true}},
		{"a session", []entry{{RevokeSession, "s1", hour}},
			[]query{{"t1", "s1"}, {"t2", "s1"}, {"t1", "s2"}, {"t1", ""}}, []bool{true, true, false, false}},
		{"kinds are apart", []entry{{RevokeToken, "x", hour}},
			[]query{{"y", "x"}}, []bool{false}},
		{"already expired", []entry{{RevokeToken, "t1", -time.Second}},
			[]query{{"t1", ""}}, []bool{false}},
		{"the later expiry wins", []entry{{RevokeToken, "t1", hour}, {RevokeToken, "t1", -time.Second}},
			[]query{{"t1", ""}}, []bool{true}},
	}
	for name, mk := range revocationLists(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				r := mk()
				for _, e := range tt.entries {
					if err := r.Revoke(ctx, e.kind, e.id, time.Now().Add(e.in)); err != nil {
						t.Fatal(err)
					}
				}
				var got []bool
				for _, q := range tt.queries {
					ok, err := r.IsRevoked(ctx, q.token, q.session)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, ok)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("revoked? (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestMemoryRevocationsExpire checks that entries end when their last
// token has expired, and are swept.
func TestMemoryRevocationsExpire(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	m := NewMemoryRevocations()
	m.now = func() time.Time { return now }
	_ = m.Revoke(ctx, RevokeToken, "t1", now.Add(time.Minute))
	if ok, _ := m.IsRevoked(ctx, "t1", ""); !ok {
		t.Fatal("not revoked")
	}
	now = now.Add(time.Minute)
	if ok, _ := m.IsRevoked(ctx, "t1", ""); ok {
		t.Error("still revoked after its expiry")
	}
	for m.Len() < 1023 {
		_ = m.Revoke(ctx, RevokeToken, nextID("x"), now.Add(time.Hour))
	}
	_ = m.Revoke(ctx, RevokeToken, nextID("x"), now.Add(time.Hour)) // the 1024th sweeps
	if _, ok := m.entries[RevokeToken+":t1"]; ok || m.Len() != 1023 {
		t.Errorf("the expired entry was not swept: %d entries", m.Len())
	}
}

// TestRedisRevocationsExpire checks that Redis keeps an entry exactly as
// long as it matters.
func TestRedisRevocationsExpire(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	ctx := context.Background()
	r := NewRedisRevocations(rdb, prefix)
	until := time.Now().Add(time.Hour)
	if err := r.Revoke(ctx, RevokeSession, "s1", until); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.TTL(ctx, prefix+"revoked:session:s1").Result()
	if err != nil || ttl < 59*time.Minute || ttl > time.Hour {
		t.Errorf("ttl %v (%v), want an hour", ttl, err)
	}
	if err := r.Revoke(ctx, RevokeToken, "gone", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, prefix+"revoked:token:gone").Result(); n != 0 {
		t.Error("an expired entry was stored")
	}
}

// feed is a fake AuthService.ListRevocations: a log served in pages of
// two, that can fail.
type feed struct {
	mu    sync.Mutex
	log   []RevocationEntry
	fail  bool
	calls []int64 // the cursors asked for
}

func (f *feed) add(kind, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, RevocationEntry{Kind: kind, ID: id, Until: time.Now().Add(time.Hour), Seq: int64(len(f.log) + 1)})
}

func (f *feed) list(_ context.Context, after int64) ([]RevocationEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, after)
	if f.fail {
		return nil, errors.New("auth unavailable")
	}
	var out []RevocationEntry
	for _, e := range f.log {
		if e.Seq > after && len(out) < 2 {
			out = append(out, e)
		}
	}
	return out, nil
}

func TestSyncRevocations(t *testing.T) {
	f := &feed{}
	for _, id := range []string{"t1", "t2", "t3"} {
		f.add(RevokeToken, id)
	}
	into := NewMemoryRevocations()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		SyncRevocations(ctx, f.list, into, 10*time.Millisecond)
		close(done)
	}()
	revoked := func(token, session string) bool {
		ok, _ := into.IsRevoked(context.Background(), token, session)
		return ok
	}
	waitFor(t, "the first three entries", func() bool { return revoked("t1", "") && revoked("t3", "") })

	f.mu.Lock()
	f.fail = true
	f.mu.Unlock()
	f.add(RevokeSession, "s1")
	time.Sleep(30 * time.Millisecond)
	if revoked("x", "s1") {
		t.Fatal("an entry arrived while the feed failed")
	}
	f.mu.Lock()
	f.fail = false
	f.mu.Unlock()
	waitFor(t, "the entry after the outage", func() bool { return revoked("x", "s1") })
	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("SyncRevocations did not stop with its context")
	}
	// The cursor only moves forward, and pages are read back to back.
	f.mu.Lock()
	defer f.mu.Unlock()
	if diff := cmp.Diff([]int64{0, 2, 3}, f.calls[:3]); diff != "" {
		t.Errorf("first cursors (-want +got):\n%s", diff)
	}
	for i := 1; i < len(f.calls); i++ {
		if f.calls[i] < f.calls[i-1] {
			t.Fatalf("the cursor went back: %v", f.calls)
		}
	}
}

// waitFor polls cond for up to two seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
