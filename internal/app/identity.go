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

func buildAuth(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	db, err := p.DB(ctx, config.Auth, auth.Migrations)
	if err != nil {
		return nil, err
	}
	store := auth.NewStore(db)
	keys := auth.NewKeyRing(store, p.cfg.RefreshTokenTTL+p.cfg.AccessTokenTTL)
	if err := keys.Load(ctx); err != nil {
		return nil, err
	}
	rbac, err := auth.NewRBAC(db)
	if err != nil {
		return nil, err
	}
	if p.memRevocations != nil {
		// The in-process list starts empty: refill it from the log.
		live, err := store.LiveRevocations(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range live {
			_ = p.memRevocations.Revoke(ctx, r.Kind, r.EntryID, r.Until)
		}
	}
	clients, err := p.Clients()
	if err != nil {
		return nil, err
	}
	svc := auth.NewService(store, keys, rbac, p.revocations, auth.UserAccounts{Client: clients.User}, auth.Settings{
		AccessTTL:      p.cfg.AccessTokenTTL,
		RefreshTTL:     p.cfg.RefreshTokenTTL,
		ServiceSecret:  p.cfg.ServiceSecret,
		ServiceClients: serviceClients,
	})
	guard := &authn.Guard{Verifier: svc.Verifier(), Authorizer: rbac}
	p.guardMu.Lock()
	if p.guard == nil {
		p.guard = guard // services in this process verify with auth's own keys and policy
	}
	p.guardMu.Unlock()
	// Other auth instances may change the policy or rotate keys.
	p.goBackground(func(ctx context.Context) {
		periodic.Every(ctx, policyReloadEvery, "RBAC policy", authn.ReloadOnChange(rbac.Enforcer(), rbac.Version))
	})
	p.goBackground(func(ctx context.Context) { periodic.Every(ctx, time.Minute, "reload signing keys", keys.Reload) })
	p.goBackground(func(ctx context.Context) {
		periodic.Every(ctx, time.Hour, "purge expired sessions", func(ctx context.Context) error {
			return store.PurgeExpired(ctx, time.Now().UTC())
		})
	})
	svr, err := p.newServer(config.Auth, guard)
	if err != nil {
		return nil, err
	}
	return svr, auth.Register(svr, auth.NewHandler(svc))
}

func buildUser(ctx context.Context, p *Platform, o Options) (server.Server, error) {
	b, err := p.serviceBase(ctx, config.User, user.Migrations)
	if err != nil {
		return nil, err
	}
	var counter throttle.Counter = throttle.NewMemory()
	if p.redis != nil {
		counter = throttle.NewRedis(p.redis, RedisPrefix)
	}
	cost := bcrypt.DefaultCost
	if o.FastPasswordHashing {
		cost = bcrypt.MinCost
	}
	svc := user.NewService(
		user.NewStore(b.db),
		user.NewHasher(cost),
		user.NewLoginThrottle(counter, user.AccountRule, user.AddressRule),
		user.AuthSessions{Client: b.clients.Auth},
	)
	svr, err := p.newServer(config.User, b.guard)
	if err != nil {
		return nil, err
	}
	return svr, user.Register(svr, user.NewHandler(svc))
}
