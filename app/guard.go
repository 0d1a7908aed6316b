package app

import (
	"context"
	"crypto/ed25519"
	"time"

	"github.com/casbin/casbin/v2"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/periodic"
	"github.com/tempomall/tempomall/services/auth/resources"
)

// remoteGuard builds the guard of a process without the auth service:
// public keys and policy come from the auth service, which must be
// reachable (it is retried until ctx ends), and are refreshed in the
// background.
func (b *builder) remoteGuard(ctx context.Context) error {
	keys := authn.NewRemoteKeys(func(ctx context.Context) (map[string]ed25519.PublicKey, error) {
		return fetchKeys(ctx, b.bare)
	})
	if err := periodic.Retry(ctx, 500*time.Millisecond, "fetch signing keys from the auth service", keys.Refresh); err != nil {
		return err
	}
	adapter := authn.RemoteAdapter{Fetch: func(ctx context.Context) (authn.PolicySnapshot, error) {
		return fetchPolicy(ctx, b.sys.Clients)
	}}
	var enforcer *casbin.SyncedCachedEnforcer
	err := periodic.Retry(ctx, 500*time.Millisecond, "load RBAC policy from the auth service", func(context.Context) error {
		var err error
		enforcer, err = authn.NewEnforcer(resources.RBACModel, adapter)
		return err
	})
	if err != nil {
		return err
	}
	b.guard = &authn.Guard{
		Verifier:   authn.NewVerifier(keys, b.revocations),
		Authorizer: authn.CasbinAuthorizer{Enforcer: enforcer},
	}
	b.sys.background("refresh signing keys", func(ctx context.Context) {
		periodic.Every(ctx, 5*time.Minute, "refresh signing keys", keys.Refresh)
	})
	if err := b.followPolicy(enforcer, adapter.Version); err != nil {
		return err
	}
	if b.memRevocations != nil {
		b.sys.background("sync revocations", func(ctx context.Context) {
			authn.SyncRevocations(ctx, func(ctx context.Context, after int64) ([]authn.RevocationEntry, error) {
				return fetchRevocations(ctx, b.sys.Clients, after)
			}, b.memRevocations, time.Second)
		})
	}
	return nil
}

// fetchKeys returns the auth service's public keys.
func fetchKeys(ctx context.Context, c *clients.Clients) (map[string]ed25519.PublicKey, error) {
	resp, err := c.Auth.GetSigningKeys(ctx, &auth.GetSigningKeysRequest{})
	if err != nil {
		return nil, err
	}
	keys := make(map[string]ed25519.PublicKey, len(resp.GetKeys()))
	for _, k := range resp.GetKeys() {
		if len(k.GetPublicKey()) == ed25519.PublicKeySize {
			keys[k.GetKeyId()] = ed25519.PublicKey(k.GetPublicKey())
		}
	}
	return keys, nil
}

// fetchPolicy returns the RBAC policy (permissions and inheritance).
func fetchPolicy(ctx context.Context, c *clients.Clients) (authn.PolicySnapshot, error) {
	resp, err := c.Auth.ListPolicies(ctx, &auth.ListPoliciesRequest{})
	if err != nil {
		return authn.PolicySnapshot{}, err
	}
	var snap authn.PolicySnapshot
	for _, p := range resp.GetPolicies() {
		snap.Policies = append(snap.Policies, [3]string{p.GetRole(), p.GetService(), p.GetMethod()})
	}
	for _, g := range resp.GetInheritance() {
		snap.Inheritance = append(snap.Inheritance, [2]string{g.GetRole(), g.GetInherits()})
	}
	return snap, nil
}

// fetchRevocations returns revocation log entries after seq.
func fetchRevocations(ctx context.Context, c *clients.Clients, after int64) ([]authn.RevocationEntry, error) {
	resp, err := c.Auth.ListRevocations(ctx, &auth.ListRevocationsRequest{AfterSeq: after, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]authn.RevocationEntry, len(resp.GetRevocations()))
	for i, r := range resp.GetRevocations() {
		out[i] = authn.RevocationEntry{Kind: r.GetKind(), ID: r.GetId(), Until: r.GetUntil().AsTime(), Seq: r.GetSeq()}
	}
	return out, nil
}
