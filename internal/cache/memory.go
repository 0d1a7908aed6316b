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
	el, ok := m.items[key]
	if !ok {
		return nil, false, nil
	}
	e := el.Value.(*memEntry)
	if !m.now().Before(e.expires) {
		m.removeLocked(el)
		return nil, false, nil
	}
	m.ll.MoveToFront(el)
	return e.value, true, nil
}

// Set stores a value, evicting the least recently used entry when full.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp := m.now().Add(ttl)
	if el, ok := m.items[key]; ok {
		e := el.Value.(*memEntry)
		e.value, e.expires = value, exp
		m.ll.MoveToFront(el)
		return nil
	}
	m.items[key] = m.ll.PushFront(&memEntry{key: key, value: value, expires: exp})
	for m.ll.Len() > m.capacity {
		m.removeLocked(m.ll.Back())
	}
	return nil
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
