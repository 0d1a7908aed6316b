package app

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/server"
	"golang.org/x/crypto/bcrypt"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/periodic"
	"github.com/tempomall/tempomall/internal/throttle"
	"github.com/tempomall/tempomall/services/auth"
	"github.com/tempomall/tempomall/services/user"
)

// serviceClients are the client ids that may obtain service tokens: every
// service, the worker, and a process running several of them.
var serviceClients = append(append([]string{}, config.Services...), "worker", "tempomall")

// auth builds the auth service. The services of its process verify with
// its own keys and policy: it sets the process's guard.
func (b *builder) auth(ctx context.Context) (registrar, error) {
	db := b.dbs[config.Auth]
	store := auth.NewStore(db)
	keys := auth.NewKeyRing(store, b.cfg.RefreshTokenTTL+b.cfg.AccessTokenTTL)
	if err := keys.Load(ctx); err != nil {
		return nil, err
	}
	rbac, err := auth.NewRBAC(db)
	if err != nil {
		return nil, err
	}
	if b.memRevocations != nil {
		// The in-process list starts empty: refill it from the log.
		live, err := store.LiveRevocations(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range live {
			_ = b.memRevocations.Revoke(ctx, r.Kind, r.EntryID, r.Until)
		}
	}
	svc := auth.NewService(store, keys, rbac, b.revocations, auth.UserAccounts{Client: b.sys.Clients.User}, auth.Settings{
		AccessTTL:      b.cfg.AccessTokenTTL,
		RefreshTTL:     b.cfg.RefreshTokenTTL,
		ServiceSecret:  b.cfg.ServiceSecret,
		ServiceClients: serviceClients,
	})
	b.guard = &authn.Guard{Verifier: svc.Verifier(), Authorizer: rbac}
	// Other auth instances may change the policy or rotate keys.
	if err := b.followPolicy(rbac.Enforcer(), rbac.Version); err != nil {
		return nil, err
	}
	b.sys.background("reload signing keys", func(ctx context.Context) {
		periodic.Every(ctx, time.Minute, "reload signing keys", keys.Reload)
	})
	b.sys.background("purge expired sessions", func(ctx context.Context) {
		periodic.Every(ctx, time.Hour, "purge expired sessions", func(ctx context.Context) error {
			return store.PurgeExpired(ctx, time.Now().UTC())
		})
	})
	return func(svr server.Server) error { return auth.Register(svr, auth.NewHandler(svc)) }, nil
}

// user builds the user service.
func (b *builder) user(context.Context) (registrar, error) {
	var counter throttle.Counter = throttle.NewMemory()
	if b.redis != nil {
		counter = throttle.NewRedis(b.redis, RedisPrefix)
	}
	cost := bcrypt.DefaultCost
	if b.opts.FastPasswordHashing {
		cost = bcrypt.MinCost
	}
	svc := user.NewService(
		user.NewStore(b.dbs[config.User]),
		user.NewHasher(cost),
		user.NewLoginThrottle(counter, user.AccountRule, user.AddressRule),
		user.AuthSessions{Client: b.sys.Clients.Auth},
	)
	return func(svr server.Server) error { return user.Register(svr, user.NewHandler(svc)) }, nil
}
