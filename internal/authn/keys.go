package authn

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"sync"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

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
// auth service's public keys in memory, fetches them again when a token
// names an unknown key id (a rotation), at most every minRefetch, and every
// refreshEvery in the background.
type RemoteKeys struct {
	fetch KeyFetcher

	mu        sync.RWMutex
	keys      map[string]ed25519.PublicKey
	lastFetch time.Time
}

const (
	minRefetch   = 2 * time.Second
	refreshEvery = 5 * time.Minute
)

// NewRemoteKeys returns a key source over fetch. Call Run to load the keys.
func NewRemoteKeys(fetch KeyFetcher) *RemoteKeys {
	return &RemoteKeys{fetch: fetch, keys: map[string]ed25519.PublicKey{}}
}

// Load fetches the keys, retrying until it succeeds or ctx ends.
func (r *RemoteKeys) Load(ctx context.Context) error {
	for {
		err := r.refresh(ctx)
		if err == nil {
			return nil
		}
		klog.CtxWarnf(ctx, "fetch signing keys (retrying): %v", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("signing keys: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Run refreshes the keys periodically until ctx ends.
func (r *RemoteKeys) Run(ctx context.Context) {
	t := time.NewTicker(refreshEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.refresh(ctx); err != nil {
				klog.CtxWarnf(ctx, "refresh signing keys: %v", err)
			}
		}
	}
}

func (r *RemoteKeys) refresh(ctx context.Context) error {
	keys, err := r.fetch(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.keys, r.lastFetch = keys, time.Now()
	r.mu.Unlock()
	return nil
}

// PublicKey returns the key of keyID, fetching the key set again when the
// id is unknown.
func (r *RemoteKeys) PublicKey(ctx context.Context, keyID string) (ed25519.PublicKey, error) {
	r.mu.RLock()
	k, ok := r.keys[keyID]
	stale := time.Since(r.lastFetch) > minRefetch
	r.mu.RUnlock()
	if ok {
		return k, nil
	}
	if stale {
		if err := r.refresh(ctx); err != nil {
			return nil, apperr.Errorf(apperr.Unavailable, "cannot fetch signing keys: %v", err)
		}
		r.mu.RLock()
		k, ok = r.keys[keyID]
		r.mu.RUnlock()
		if ok {
			return k, nil
		}
	}
	return nil, errUnknownKey
}

var errUnknownKey = apperr.New(apperr.Unauthenticated, "token signed with an unknown key; log in again")
