package authn

import (
	"context"
	"sync"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/redis/go-redis/v9"
)

// Revocation kinds: a single token (by its jti) or a whole session.
const (
	RevokeToken   = "token"
	RevokeSession = "session"
)

// Revocations is the revocation list that verification checks. Entries are
// kept until the last token they could match has expired.
type Revocations interface {
	// Revoke adds an entry of kind RevokeToken or RevokeSession.
	Revoke(ctx context.Context, kind, id string, until time.Time) error
	// IsRevoked reports whether a token id or its session id is listed.
	IsRevoked(ctx context.Context, tokenID, sessionID string) (bool, error)
}

// MemoryRevocations is the in-process revocation list. Processes that share
// one (the embedded setup) see every revocation at once; a separate process
// fills its own with SyncRevocations.
type MemoryRevocations struct {
	mu      sync.RWMutex
	entries map[string]time.Time
	now     func() time.Time
}

// NewMemoryRevocations returns an empty list.
func NewMemoryRevocations() *MemoryRevocations {
	return &MemoryRevocations{entries: map[string]time.Time{}, now: time.Now}
}

// Revoke lists kind/id until the given time.
func (m *MemoryRevocations) Revoke(_ context.Context, kind, id string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := kind + ":" + id
	if old, ok := m.entries[key]; !ok || until.After(old) {
		m.entries[key] = until
	}
	if len(m.entries)%1024 == 0 {
		m.sweepLocked()
	}
	return nil
}

// IsRevoked checks the token id and the session id.
func (m *MemoryRevocations) IsRevoked(_ context.Context, tokenID, sessionID string) (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	now := m.now()
	if until, ok := m.entries[RevokeToken+":"+tokenID]; ok && now.Before(until) {
		return true, nil
	}
	if sessionID != "" {
		if until, ok := m.entries[RevokeSession+":"+sessionID]; ok && now.Before(until) {
			return true, nil
		}
	}
	return false, nil
}

// Len returns the number of entries, expired ones included.
func (m *MemoryRevocations) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

func (m *MemoryRevocations) sweepLocked() {
	now := m.now()
	for k, until := range m.entries {
		if !now.Before(until) {
			delete(m.entries, k)
		}
	}
}

// RevocationEntry is one entry of the auth service's revocation log.
type RevocationEntry struct {
	Kind  string
	ID    string
	Until time.Time
	Seq   int64
}

// RevocationFeed returns log entries after a sequence number
// (AuthService.ListRevocations).
type RevocationFeed func(ctx context.Context, afterSeq int64) ([]RevocationEntry, error)

// SyncRevocations copies the auth service's revocation log into an
// in-process list every interval until ctx ends. It is how a service
// running in its own process without Redis learns of revocations.
func SyncRevocations(ctx context.Context, feed RevocationFeed, into Revocations, interval time.Duration) {
	var seq int64
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		entries, err := feed(ctx, seq)
		if err != nil {
			klog.CtxWarnf(ctx, "sync revocations: %v", err)
		}
		for _, e := range entries {
			_ = into.Revoke(ctx, e.Kind, e.ID, e.Until)
			if e.Seq > seq {
				seq = e.Seq
			}
		}
		if len(entries) > 0 && err == nil {
			continue // more may be waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RedisRevocations keeps the list in Redis, shared by every process.
type RedisRevocations struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisRevocations returns a list stored under keys prefix+"revoked:...".
func NewRedisRevocations(rdb redis.UniversalClient, prefix string) *RedisRevocations {
	return &RedisRevocations{rdb: rdb, prefix: prefix + "revoked:"}
}

// Revoke sets a key that expires when the entry may be forgotten.
func (r *RedisRevocations) Revoke(ctx context.Context, kind, id string, until time.Time) error {
	if !until.After(time.Now()) {
		return nil
	}
	return r.rdb.SetArgs(ctx, r.prefix+kind+":"+id, 1, redis.SetArgs{ExpireAt: until}).Err()
}

// IsRevoked checks both keys in one round trip.
func (r *RedisRevocations) IsRevoked(ctx context.Context, tokenID, sessionID string) (bool, error) {
	keys := []string{r.prefix + RevokeToken + ":" + tokenID}
	if sessionID != "" {
		keys = append(keys, r.prefix+RevokeSession+":"+sessionID)
	}
	n, err := r.rdb.Exists(ctx, keys...).Result()
	return n > 0, err
}
