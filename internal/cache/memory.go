package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Memory is a bounded in-process LRU cache with per-entry expiry.
type Memory struct {
	mu       sync.Mutex
	capacity int
	ll       *list.List
	items    map[string]*list.Element
	now      func() time.Time
}

type memEntry struct {
	key     string
	value   []byte
	expires time.Time
}

// NewMemory returns a cache holding at most capacity entries.
func NewMemory(capacity int) *Memory {
	if capacity <= 0 {
		capacity = 1
	}
	return &Memory{capacity: capacity, ll: list.New(), items: make(map[string]*list.Element), now: time.Now}
}

// Get returns an unexpired value.
func (m *Memory) Get(_ context.Context, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.getLocked(key, m.now())
	return v, ok, nil
}

// GetMany returns the unexpired values of keys, by key.
func (m *Memory) GetMany(_ context.Context, keys []string) (map[string][]byte, error) {
	found := make(map[string][]byte, len(keys))
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for _, k := range keys {
		if v, ok := m.getLocked(k, now); ok {
			found[k] = v
		}
	}
	return found, nil
}

// Set stores a value, evicting the least recently used entry when full.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.setLocked(key, value, m.now().Add(ttl))
	return nil
}

// SetMany stores values like Set, under one lock.
func (m *Memory) SetMany(_ context.Context, values map[string][]byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp := m.now().Add(ttl)
	for k, v := range values {
		m.setLocked(k, v, exp)
	}
	return nil
}

// getLocked returns the value of key unless it expired before now, and
// marks it the most recently used.
func (m *Memory) getLocked(key string, now time.Time) ([]byte, bool) {
	el, ok := m.items[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*memEntry)
	if !now.Before(e.expires) {
		m.removeLocked(el)
		return nil, false
	}
	m.ll.MoveToFront(el)
	return e.value, true
}

// setLocked stores a value until exp, evicting the least recently used
// entries beyond the capacity.
func (m *Memory) setLocked(key string, value []byte, exp time.Time) {
	if el, ok := m.items[key]; ok {
		e := el.Value.(*memEntry)
		e.value, e.expires = value, exp
		m.ll.MoveToFront(el)
		return
	}
	m.items[key] = m.ll.PushFront(&memEntry{key: key, value: value, expires: exp})
	for m.ll.Len() > m.capacity {
		m.removeLocked(m.ll.Back())
	}
}

// Delete removes keys.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if el, ok := m.items[k]; ok {
			m.removeLocked(el)
		}
	}
	return nil
}

// Len returns the number of entries, expired ones included.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ll.Len()
}

func (m *Memory) removeLocked(el *list.Element) {
	m.ll.Remove(el)
	delete(m.items, el.Value.(*memEntry).key)
}
