package app

import (
	"context"
	"time"

	"github.com/casbin/casbin/v2"
	rediswatcher "github.com/casbin/redis-watcher/v2"
	"github.com/redis/go-redis/v9"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/periodic"
)

// policyReloadEvery is how often services check the RBAC policy for
// changes when there is no Redis to tell them, and so how long AddPolicy
// and RemovePolicy take to reach every service then.
const policyReloadEvery = 3 * time.Second

// followPolicy keeps an enforcer's policy current. With Redis, casbin's
// Redis watcher carries every change at once: the auth service's enforcer
// publishes its changes, and every enforcer reloads when told. Without
// Redis, the policy's fingerprint is polled and the policy reloaded when
// it changed.
func (b *builder) followPolicy(e *casbin.SyncedCachedEnforcer, version func(context.Context) (string, error)) error {
	if b.redis == nil {
		b.sys.background("reload the RBAC policy", func(ctx context.Context) {
			periodic.Every(ctx, policyReloadEvery, "RBAC policy", authn.ReloadOnChange(e, version))
		})
		return nil
	}
	w, err := rediswatcher.NewWatcher(b.cfg.RedisAddr, rediswatcher.WatcherOptions{
		Options: redis.Options{Password: b.cfg.RedisPassword, DB: b.cfg.RedisDB},
		Channel: RedisPrefix + "casbin-policy",
		// Its own changes are already applied where they were made.
		IgnoreSelf: true,
	})
	if err != nil {
		return err
	}
	b.sys.onClose(w.Close)
	if err := e.SetWatcher(w); err != nil {
		return err
	}
	return w.SetUpdateCallback(func(string) {
		if err := e.LoadPolicy(); err != nil {
			b.sys.Telemetry.Logger.Warn("reload the RBAC policy after a change", "error", err)
		}
	})
}
