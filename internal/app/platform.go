// Package app wires tempomall's processes: it builds every dependency from
// the configuration once, passes it down through constructors, and runs
// the Kitex services, the Temporal worker, the webhook endpoint and the
// payment sandbox. `tempomall serve`, `tempomall dev` and the end-to-end
// tests all start the system through Start.
package app

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/services/checkout"
)

// Platform holds the process-wide dependencies built from the
// configuration. Parts are built on first use and shared by every service
// the process runs.
type Platform struct {
	cfg config.Config
	// identity is the client id of the process's service token.
	identity  string
	listeners map[string]net.Listener

	redis redis.UniversalClient
	// revocations is the list every verifier checks; memRevocations is set
	// when it is in process (no Redis).
	revocations    authn.Revocations
	memRevocations *authn.MemoryRevocations

	mu       sync.Mutex
	temporal client.Client
	dbs      map[string]*gorm.DB
	shared   *gorm.DB // the one MySQL handle, when configured
	clients  *Clients
	// checkouts is the one checkout store of the process.
	checkouts *checkout.Store

	// guardMu is held while the guard is built, which waits for the auth
	// service.
	guardMu sync.Mutex
	guard   *authn.Guard

	// background tasks to run while the process runs, runners whose
	// failure stops the process, and cleanups.
	background []func(context.Context)
	runners    []runner
	closers    []func()
}

// runner is a part of the process that runs until its context ends.
type runner struct {
	name string
	run  func(context.Context) error
}

// NewPlatform builds the platform of a process. identity is its client id
// for service tokens.
func NewPlatform(ctx context.Context, cfg config.Config, identity string, listeners map[string]net.Listener) (*Platform, error) {
	p := &Platform{cfg: cfg, identity: identity, listeners: listeners, dbs: map[string]*gorm.DB{}}
	if cfg.RedisAddr != "" {
		// Short timeouts and one retry: a cache outage must degrade to the
		// database quickly, not stall every call.
		rdb := redis.NewClient(&redis.Options{
			Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB,
			DialTimeout: 300 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond,
			MaxRetries: 1, DialerRetries: 1,
		})
		pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := rdb.Ping(pingCtx).Err(); err != nil {
			_ = rdb.Close()
			return nil, fmt.Errorf("redis at %s: %w", cfg.RedisAddr, err)
		}
		p.redis = rdb
		p.closers = append(p.closers, func() { _ = rdb.Close() })
		p.revocations = authn.NewRedisRevocations(rdb, RedisPrefix)
	} else {
		p.memRevocations = authn.NewMemoryRevocations()
		p.revocations = p.memRevocations
	}
	return p, nil
}

// RedisPrefix starts every key tempomall writes to Redis.
const RedisPrefix = "tempomall:"

// DB returns the migrated database of a store, opening it on first use.
func (p *Platform) DB(ctx context.Context, store string, migrations []dbx.Migration) (*gorm.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if db, ok := p.dbs[store]; ok {
		return db, nil
	}
	db, err := p.openLocked(ctx, store)
	if err != nil {
		return nil, err
	}
	if err := dbx.Migrate(ctx, db, store, migrations); err != nil {
		return nil, err
	}
	p.dbs[store] = db
	return db, nil
}

func (p *Platform) openLocked(ctx context.Context, store string) (*gorm.DB, error) {
	if p.cfg.MySQLDSN != "" {
		if p.shared == nil {
			db, err := dbx.Open(ctx, dbx.Options{MySQLDSN: p.cfg.MySQLDSN, Debug: p.cfg.Debug})
			if err != nil {
				return nil, fmt.Errorf("open MySQL: %w", err)
			}
			p.shared = db
			p.closers = append(p.closers, func() { dbx.Close(db) })
		}
		return p.shared, nil
	}
	db, err := dbx.Open(ctx, dbx.Options{SQLitePath: p.cfg.SQLitePath(store), Debug: p.cfg.Debug})
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", store, err)
	}
	p.closers = append(p.closers, func() { dbx.Close(db) })
	return db, nil
}

// listen returns the listener of a named endpoint: the injected one (tests)
// or a new one on addr.
func (p *Platform) listen(name, addr string) (net.Listener, error) {
	if ln, ok := p.listeners[name]; ok {
		return ln, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s cannot listen on %s: %w", name, addr, err)
	}
	return ln, nil
}

// Close releases what the platform opened.
func (p *Platform) Close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// goBackground registers a task that runs while the process runs.
func (p *Platform) goBackground(f func(context.Context)) {
	p.mu.Lock()
	p.background = append(p.background, f)
	p.mu.Unlock()
}

// addRunner registers a part that runs until the process stops; its
// failure stops the process.
func (p *Platform) addRunner(name string, run func(context.Context) error) {
	p.mu.Lock()
	p.runners = append(p.runners, runner{name: name, run: run})
	p.mu.Unlock()
}

// takeRunners returns the registered runners and forgets them.
func (p *Platform) takeRunners() []runner {
	p.mu.Lock()
	defer p.mu.Unlock()
	rs := p.runners
	p.runners = nil
	return rs
}

// runBackground starts the registered tasks.
func (p *Platform) runBackground(ctx context.Context, wg *sync.WaitGroup) {
	p.mu.Lock()
	tasks := p.background
	p.background = nil
	p.mu.Unlock()
	for _, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t(ctx)
		}()
	}
}

func logf(format string, args ...any) { klog.Infof(format, args...) }
