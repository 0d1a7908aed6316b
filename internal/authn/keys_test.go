package authn

import (
	"context"
	"crypto/ed25519"
	"errors"
	"sync"
	"testing"
	"time"
)

// keyServer is a fake AuthService.GetSigningKeys whose key set can rotate
// and fail, and which counts its calls.
type keyServer struct {
	mu    sync.Mutex
	keys  map[string]ed25519.PublicKey
	fail  error
	calls int
}

func (s *keyServer) fetch(context.Context) (map[string]ed25519.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail != nil {
		return nil, s.fail
	}
	out := make(map[string]ed25519.PublicKey, len(s.keys))
	for k, v := range s.keys {
		out[k] = v
	}
	return out, nil
}

func (s *keyServer) set(keys map[string]ed25519.PublicKey, fail error) {
	s.mu.Lock()
	s.keys, s.fail = keys, fail
	s.mu.Unlock()
}

func (s *keyServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// TestRemoteKeysRotation checks that a service learns of a rotation when
// a token names a key it does not know, without fetching on every such
// token.
func TestRemoteKeysRotation(t *testing.T) {
	ctx := context.Background()
	k1, k2 := newSigner(t, "k1"), newSigner(t, "k2")
	srv := &keyServer{keys: map[string]ed25519.PublicKey{"k1": k1.public()}}
	r := NewRemoteKeys(srv.fetch)
	if err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(r, NewMemoryRevocations())
	old := k1.sign(t, userClaims(7, "s1", RoleCustomer))
	if _, err := v.Verify(ctx, old, UseAccess); err != nil {
		t.Fatalf("token of the loaded key: %v", err)
	}

	// The auth service rotates: k2 signs, k1 still verifies.
	srv.set(map[string]ed25519.PublicKey{"k1": k1.public(), "k2": k2.public()}, nil)
	fresh := k2.sign(t, userClaims(7, "s1", RoleCustomer))
	// Just after a fetch, an unknown key id does not fetch again.
	if _, err := v.Verify(ctx, fresh, UseAccess); !errors.Is(err, errUnknownKey) || srv.count() != 1 {
		t.Fatalf("within the refetch interval: %v after %d fetches", err, srv.count())
	}
	r.mu.Lock()
	r.lastFetch = time.Now().Add(-minRefetch - time.Millisecond)
	r.mu.Unlock()
	if _, err := v.Verify(ctx, fresh, UseAccess); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
	if srv.count() != 2 {
		t.Errorf("%d fetches, want 2", srv.count())
	}
	if _, err := v.Verify(ctx, k1.sign(t, userClaims(7, "s1")), UseAccess); err != nil {
		t.Errorf("the previous key after the rotation: %v", err)
	}
	// Known keys need no fetch.
	for range 10 {
		if _, err := r.PublicKey(ctx, "k2"); err != nil {
			t.Fatal(err)
		}
	}
	// A key id unknown even after fetching is refused.
	r.mu.Lock()
	r.lastFetch = time.Time{}
	r.mu.Unlock()
	if _, err := r.PublicKey(ctx, "k9"); !errors.Is(err, errUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
	if srv.count() != 3 {
		t.Errorf("%d fetches, want 3", srv.count())
	}
}

func TestRemoteKeysUnavailable(t *testing.T) {
	ctx := context.Background()
	srv := &keyServer{keys: map[string]ed25519.PublicKey{}}
	r := NewRemoteKeys(srv.fetch)
	if err := r.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	srv.set(nil, errors.New("connection refused"))
	r.mu.Lock()
	r.lastFetch = time.Time{}
	r.mu.Unlock()
	if _, err := r.PublicKey(ctx, "k1"); outcome(err) != "Unavailable" {
		t.Errorf("auth down: %v, want Unavailable", err)
	}
}

// TestRemoteKeysOneFetchForAll checks that the callers who meet a new key
// id together wait on one fetch of the key set.
func TestRemoteKeysOneFetchForAll(t *testing.T) {
	ctx := context.Background()
	srv := &keyServer{keys: map[string]ed25519.PublicKey{}}
	r := NewRemoteKeys(srv.fetch)
	k2 := newSigner(t, "k2")
	srv.set(map[string]ed25519.PublicKey{"k2": k2.public()}, nil)
	release := make(chan struct{})
	slow := r.fetch
	r.fetch = func(ctx context.Context) (map[string]ed25519.PublicKey, error) {
		<-release
		return slow(ctx)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := r.PublicKey(ctx, "k2")
			errs <- err
		})
	}
	time.Sleep(50 * time.Millisecond) // let every caller reach the fetch
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("new key: %v", err)
		}
	}
	if srv.count() != 1 {
		t.Errorf("%d fetches for 20 callers, want 1", srv.count())
	}
}
