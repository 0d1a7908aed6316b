package app

import (
	"context"
	"time"

	"github.com/casbin/casbin/v2"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/periodic"
	"github.com/tempomall/tempomall/services/auth/resources"
)

// policyReloadEvery is how often services check the RBAC policy for
// changes, and so how long AddPolicy and RemovePolicy take to reach every
// service.
const policyReloadEvery = 3 * time.Second

// Guard returns the guard of the process's services (other than auth),
// building it on first use: public keys and policy come from the auth
// service, which must be reachable. In a process that runs the auth
// service, the guard is auth's own (see buildAuth).
func (p *Platform) Guard(ctx context.Context) (*authn.Guard, error) {
	p.guardMu.Lock()
	defer p.guardMu.Unlock()
	if p.guard != nil {
		return p.guard, nil
	}
	clients, err := p.Clients()
	if err != nil {
		return nil, err
	}
	keys := authn.NewRemoteKeys(clients.fetchKeys)
	if err := periodic.Retry(ctx, 500*time.Millisecond, "fetch signing keys from the auth service", keys.Refresh); err != nil {
		return nil, err
	}
	adapter := authn.RemoteAdapter{Fetch: clients.fetchPolicy}
	var enforcer *casbin.SyncedCachedEnforcer
	err = periodic.Retry(ctx, 500*time.Millisecond, "load RBAC policy from the auth service", func(context.Context) error {
		enforcer, err = authn.NewEnforcer(resources.RBACModel, adapter)
		return err
	})
	if err != nil {
		return nil, err
	}
	p.guard = &authn.Guard{
		Verifier:   authn.NewVerifier(keys, p.revocations),
		Authorizer: authn.CasbinAuthorizer{Enforcer: enforcer},
	}
	p.goBackground(func(ctx context.Context) {
		periodic.Every(ctx, 5*time.Minute, "refresh signing keys", keys.Refresh)
	})
	p.goBackground(func(ctx context.Context) {
		periodic.Every(ctx, policyReloadEvery, "RBAC policy", authn.ReloadOnChange(enforcer, adapter.Version))
	})
	if p.memRevocations != nil {
		p.goBackground(func(ctx context.Context) {
			authn.SyncRevocations(ctx, clients.fetchRevocations, p.memRevocations, time.Second)
		})
	}
	return p.guard, nil
}
