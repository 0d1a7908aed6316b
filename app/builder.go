package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/periodic"
	"github.com/tempomall/tempomall/internal/telemetry"
	"github.com/tempomall/tempomall/services/checkout"
)

// RedisPrefix starts every key tempomall writes to Redis.
const RedisPrefix = "tempomall:"

// builder holds what Build has built so far; each step adds to it, in the
// order Build lists.
type builder struct {
	cfg       config.Config
	opts      Options
	sys       *System
	listeners map[string]net.Listener

	// redis is nil without TEMPOMALL_REDIS_ADDR; revocations is the list
	// every verifier checks (memRevocations when it is in process).
	redis          redis.UniversalClient
	revocations    authn.Revocations
	memRevocations *authn.MemoryRevocations
	// dbs are the migrated stores the parts use, by store name.
	dbs map[string]*gorm.DB
	// bare calls without a credential (service tokens, public keys,
	// policies); the process's own clients are sys.Clients.
	bare *clients.Clients
	// guard checks the calls of every service of the process.
	guard *authn.Guard
	// checkouts is the checkout store, shared by the checkout service and
	// the worker (coupons and checkout records).
	checkouts *checkout.Store
}

// caches connects to Redis when it is configured and picks the revocation
// list: Redis, or an in-process list (refilled from the auth service's
// log).
func (b *builder) caches(ctx context.Context) error {
	if b.cfg.RedisAddr == "" {
		b.memRevocations = authn.NewMemoryRevocations()
		b.revocations = b.memRevocations
		return nil
	}
	// Short timeouts and one retry: a cache outage must degrade to the
	// database quickly, not stall every call.
	rdb := redis.NewClient(&redis.Options{
		Addr: b.cfg.RedisAddr, Password: b.cfg.RedisPassword, DB: b.cfg.RedisDB,
		DialTimeout: 300 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond,
		MaxRetries: 1, DialerRetries: 1,
	})
	b.sys.onClose(func() { _ = rdb.Close() })
	// At start Redis gets up to 5s to answer, asked again and again: the
	// short timeouts above are for calls, not for a busy host's first
	// connection.
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := periodic.Retry(pingCtx, 200*time.Millisecond, "redis at "+b.cfg.RedisAddr, func(ctx context.Context) error {
		return rdb.Ping(ctx).Err()
	}); err != nil {
		return err
	}
	b.redis = rdb
	b.revocations = authn.NewRedisRevocations(rdb, RedisPrefix)
	return nil
}

// tieredCache is a two-level cache for one use (its keys start with
// prefix): an in-process LRU of l1Size entries kept for at most l1TTL, in
// front of Redis when Redis is configured.
func (b *builder) tieredCache(prefix string, l1Size int, l1TTL time.Duration) *cache.Tiered {
	var l2 cache.Cache
	if b.redis != nil {
		l2 = cache.NewRedis(b.redis, RedisPrefix+prefix+":")
	}
	return cache.NewTiered(cache.NewMemory(l1Size), l2, l1TTL)
}

// storesOf names the stores the parts of o use.
func storesOf(o Options) []string {
	var out []string
	for _, s := range config.Services {
		if slices.Contains(o.Services, s) || o.Worker && (s == config.Order || s == config.Payment || s == config.Checkout) {
			out = append(out, s)
		}
	}
	return out
}

// stores opens and migrates the stores the parts use: one MySQL database
// for all of them, or a SQLite file each.
func (b *builder) stores(ctx context.Context) error {
	b.dbs = map[string]*gorm.DB{}
	var shared *gorm.DB
	for _, store := range storesOf(b.opts) {
		db := shared
		if db == nil {
			var err error
			db, err = openStore(ctx, b.cfg, store, b.sys.Telemetry)
			if err != nil {
				return err
			}
			b.sys.onClose(func() { dbx.Close(db) })
			sqlDB, err := db.DB()
			if err != nil {
				return err
			}
			b.sys.Ops.Probe("store "+store, sqlDB.PingContext)
			if b.cfg.MySQLDSN != "" {
				shared = db
			}
		}
		if err := dbx.Migrate(ctx, db, store, storeMigrations[store]); err != nil {
			return err
		}
		b.dbs[store] = db
	}
	if db, ok := b.dbs[config.Checkout]; ok {
		// Checkout records are written by the worker and read by the
		// checkout service, possibly in other processes, so they are
		// cached in Redis only (a shared cache); without Redis they are read
		// from the database.
		var c cache.Cache
		if b.redis != nil {
			c = cache.NewRedis(b.redis, RedisPrefix+"checkout:")
		}
		b.checkouts = checkout.NewStore(db, c)
	}
	return nil
}

// openStore opens the database of a store: the configured MySQL, or the
// store's SQLite file.
// With telemetry, GORM logs through the process's logger and traces its
// statements.
func openStore(ctx context.Context, cfg config.Config, store string, t *telemetry.Telemetry) (*gorm.DB, error) {
	o := dbx.Options{Debug: cfg.Debug}
	if t != nil {
		o.Logger, o.Tracer = telemetry.GormLogger(t.Logger, cfg.Debug), t.Tracer
	}
	if cfg.MySQLDSN != "" {
		o.MySQLDSN = cfg.MySQLDSN
		db, err := dbx.Open(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("open MySQL: %w", err)
		}
		return db, nil
	}
	o.SQLitePath = cfg.SQLitePath(store)
	db, err := dbx.Open(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("open the %s store: %w", store, err)
	}
	return db, nil
}

// clients builds the clients of the services: bare ones, and the
// process's own, which present its service token.
func (b *builder) clients(context.Context) error {
	res, err := Resolver(b.cfg)
	if err != nil {
		return err
	}
	if b.bare, err = clients.New(b.cfg, clients.Options{Resolver: res, CircuitBreaker: true}); err != nil {
		return err
	}
	var tokens *authn.ServiceTokens
	if b.opts.Identity != "" {
		tokens = authn.NewServiceTokens(func(ctx context.Context) (string, time.Time, error) {
			resp, err := b.bare.Auth.IssueServiceToken(ctx, &auth.IssueServiceTokenRequest{
				ClientId: b.opts.Identity, ClientSecret: b.cfg.ServiceSecret,
			})
			if err != nil {
				return "", time.Time{}, err
			}
			return resp.GetAccessToken(), resp.GetExpiresAt().AsTime(), nil
		})
	}
	o := clients.Options{Resolver: res, CircuitBreaker: true}
	if tokens != nil {
		o.Tokens = tokens
	}
	b.sys.Clients, err = clients.New(b.cfg, o)
	return err
}

// gatewayClient returns a client of the configured payment gateway.
func (b *builder) gatewayClient() *gateway.HTTPClient {
	return gateway.NewHTTPClient(b.cfg.GatewayURL, b.cfg.GatewayAPIKey, &http.Client{Timeout: 15 * time.Second})
}

// listen returns the listener of a named endpoint: the injected one (tests)
// or a new one on addr, closed with the system.
func (b *builder) listen(name, addr string) (net.Listener, error) {
	if ln, ok := b.listeners[name]; ok {
		return ln, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s cannot listen on %s: %w", name, addr, err)
	}
	return ln, nil
}
