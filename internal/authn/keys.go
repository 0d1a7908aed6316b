package authn

import (
	"context"
	"crypto/ed25519"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/tempomall/tempomall/internal/apperr"
)

// KeySource finds the public key that verifies tokens signed under a key id.
type KeySource interface {
	PublicKey(ctx context.Context, keyID string) (ed25519.PublicKey, error)
}

// KeyFetcher returns the auth service's current public keys by key id
// (AuthService.GetSigningKeys).
type KeyFetcher func(ctx context.Context) (map[string]ed25519.PublicKey, error)

// RemoteKeys is the KeySource of services other than auth: it keeps the
// auth service's public keys in memory and fetches them again when a token
// names an unknown key id (a rotation), at most every minRefetch and once
// for all the callers waiting on it. Call Refresh periodically as well.
type RemoteKeys struct {
	fetch    KeyFetcher
	inflight singleflight.Group

	mu        sync.RWMutex
	keys      map[string]ed25519.PublicKey
	lastFetch time.Time
}

const (
	minRefetch   = 2 * time.Second
	fetchTimeout = 5 * time.Second
)

// NewRemoteKeys returns a key source over fetch. Call Refresh to load the
// keys.
func NewRemoteKeys(fetch KeyFetcher) *RemoteKeys {
	return &RemoteKeys{fetch: fetch, keys: map[string]ed25519.PublicKey{}}
}

// Refresh fetches the key set and replaces the one in memory.
func (r *RemoteKeys) Refresh(ctx context.Context) error {
	_, err, _ := r.inflight.Do("keys", func() (any, error) {
		// The fetch serves every waiting caller: it ends on its own
		// deadline, not on the first caller's.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
		defer cancel()
		keys, err := r.fetch(ctx)
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.keys, r.lastFetch = keys, time.Now()
		r.mu.Unlock()
		return nil, nil
	})
	return err
}

// PublicKey returns the key of keyID, fetching the key set again when the
// id is unknown.
func (r *RemoteKeys) PublicKey(ctx context.Context, keyID string) (ed25519.PublicKey, error) {
	k, ok, stale := r.lookup(keyID)
	if ok {
		return k, nil
	}
	if stale {
		if err := r.Refresh(ctx); err != nil {
			return nil, apperr.Errorf(apperr.Unavailable, "cannot fetch signing keys: %v", err)
		}
		if k, ok, _ = r.lookup(keyID); ok {
			return k, nil
		}
	}
	return nil, errUnknownKey
}

// lookup returns the key of keyID, and whether the key set may be fetched
// again.
func (r *RemoteKeys) lookup(keyID string) (ed25519.PublicKey, bool, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.keys[keyID]
	return k, ok, time.Since(r.lastFetch) > minRefetch
}

var errUnknownKey = apperr.New(apperr.Unauthenticated, "token signed with an unknown key; log in again")
