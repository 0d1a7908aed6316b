package app

import (
	"context"

	"fmt"
	"time"

	"github.com/casbin/casbin/v2"

	"github.com/tempomall/tempomall/internal/authn"
)

// policyReloadEvery is how often services reload the RBAC policy, and so
// how long AddPolicy and RemovePolicy take to reach every service.
const policyReloadEvery = 3 * time.Second

// Guard returns the guard of the process's services (other than auth),
// building it on first use: public keys and policy come from the auth
// service, which must be reachable.
func (p *Platform) Guard(ctx context.Context) (*authn.Guard, error) {
	p.mu.Lock()
	if p.guard != nil {
		defer p.mu.Unlock()
		return p.guard, nil
	}
	p.mu.Unlock()
	clients, err := p.Clients()
	if err != nil {
		return nil, err
	}
	keys := authn.NewRemoteKeys(clients.fetchKeys)
	if err := keys.Load(ctx); err != nil {
		return nil, err
	}
	enforcer, err := loadRemoteEnforcer(ctx, clients)
	if err != nil {
		return nil, err
	}
	g := &authn.Guard{
		Verifier:   authn.NewVerifier(keys, p.revocations),
		Authorizer: authn.CasbinAuthorizer{Enforcer: enforcer},
	}
	p.goBackground(keys.Run)
	p.goBackground(func(ctx context.Context) { authn.ReloadPolicy(ctx, enforcer, policyReloadEvery) })
	if p.memRevocations != nil && !p.localAuth {
		p.goBackground(func(ctx context.Context) {
			authn.SyncRevocations(ctx, clients.fetchRevocations, p.memRevocations, time.Second)
		})
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.guard == nil {
		p.guard = g
	}
	return p.guard, nil
}

// loadRemoteEnforcer builds an enforcer over the auth service's policy,
// retrying until the auth service answers or ctx ends.
func loadRemoteEnforcer(ctx context.Context, clients *Clients) (*casbin.SyncedCachedEnforcer, error) {
	adapter := authn.RemoteAdapter{Fetch: clients.fetchPolicy}
	for {
		e, err := authn.NewEnforcer(adapter)
		if err == nil {
			return e, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("load RBAC policy from the auth service: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
