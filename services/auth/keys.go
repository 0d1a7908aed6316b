package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
)

// KeyRing holds the signing keys in memory: the active private key signs,
// every unexpired public key verifies. It is the auth service's own
// authn.KeySource.
type KeyRing struct {
	store *Store
	// keep is how long a retired key keeps verifying (the longest token
	// lifetime).
	keep time.Duration

	// missMu serializes the reloads of unknown key ids (missed at most
	// every minMissReload).
	missMu   sync.Mutex
	lastMiss time.Time

	mu        sync.RWMutex
	activeID  string
	activeKey ed25519.PrivateKey
	public    map[string]ed25519.PublicKey
	rows      []signingKeyRow
}

// NewKeyRing returns a key ring over the store; call Load before use.
func NewKeyRing(store *Store, keep time.Duration) *KeyRing {
	return &KeyRing{store: store, keep: keep, public: map[string]ed25519.PublicKey{}}
}

// Load reads the keys, creating the first one when there is none.
func (k *KeyRing) Load(ctx context.Context) error {
	if err := k.Reload(ctx); err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	if id, _ := k.Signer(); id == "" {
		return k.Rotate(ctx)
	}
	return nil
}

// Rotate creates a new active key; tokens signed by the previous one keep
// verifying until they expire.
func (k *KeyRing) Rotate(ctx context.Context) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	id := make([]byte, 9)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	row := signingKeyRow{
		KeyID:      "k_" + base64.RawURLEncoding.EncodeToString(id),
		PrivateKey: priv.Seed(),
		PublicKey:  pub,
		CreatedAt:  time.Now().UTC(),
	}
	if err := k.store.AddKey(ctx, row); err != nil {
		return fmt.Errorf("store signing key: %w", err)
	}
	return k.Reload(ctx)
}

func (k *KeyRing) set(rows []signingKeyRow) {
	public := make(map[string]ed25519.PublicKey, len(rows))
	var active signingKeyRow
	for _, r := range rows {
		public[r.KeyID] = ed25519.PublicKey(r.PublicKey)
		if r.Active && r.CreatedAt.After(active.CreatedAt) {
			active = r
		}
	}
	var key ed25519.PrivateKey
	if active.KeyID != "" {
		key = ed25519.NewKeyFromSeed(active.PrivateKey)
	}
	k.mu.Lock()
	k.activeID, k.activeKey, k.public, k.rows = active.KeyID, key, public, rows
	k.mu.Unlock()
}

// Signer returns the active key id and private key ("" when there is none).
func (k *KeyRing) Signer() (string, ed25519.PrivateKey) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.activeID, k.activeKey
}

// minMissReload spaces the reloads of unknown key ids.
const minMissReload = time.Second

// PublicKey returns the verifying key of keyID. An unknown id may name a
// key another auth instance has just made (two instances starting on an
// empty store each make one; a rotation): the keys are read again, at most
// every minMissReload, before the token is refused.
func (k *KeyRing) PublicKey(ctx context.Context, keyID string) (ed25519.PublicKey, error) {
	if p, ok := k.lookup(keyID); ok {
		return p, nil
	}
	k.missMu.Lock()
	defer k.missMu.Unlock()
	if p, ok := k.lookup(keyID); ok {
		return p, nil // read meanwhile by another caller
	}
	if time.Since(k.lastMiss) >= minMissReload {
		k.lastMiss = time.Now()
		if err := k.Reload(ctx); err != nil {
			return nil, apperr.Errorf(apperr.Unavailable, "cannot read the signing keys: %v", err)
		}
		if p, ok := k.lookup(keyID); ok {
			return p, nil
		}
	}
	return nil, apperr.New(apperr.Unauthenticated, "token signed with an unknown or expired key; log in again")
}

func (k *KeyRing) lookup(keyID string) (ed25519.PublicKey, bool) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	p, ok := k.public[keyID]
	return p, ok
}

// PublicKeys lists the verifying keys, newest first.
func (k *KeyRing) PublicKeys() []signingKeyRow {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := make([]signingKeyRow, len(k.rows))
	for i, r := range k.rows {
		r.PrivateKey = nil
		out[i] = r
	}
	return out
}

// Reload re-reads the keys (another auth instance may have rotated).
func (k *KeyRing) Reload(ctx context.Context) error {
	rows, err := k.store.Keys(ctx, time.Now().Add(-k.keep))
	if err != nil {
		return err
	}
	k.set(rows)
	return nil
}
