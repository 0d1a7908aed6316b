package app

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/discovery"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout/checkoutservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment/paymentservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/user/userservice"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/rpc"
)

// Clients are Kitex clients of every service. Calls whose context carries
// no token (rpc.WithToken) present the process's service token.
type Clients struct {
	Auth     authservice.Client
	User     userservice.Client
	Product  productservice.Client
	Cart     cartservice.Client
	Checkout checkoutservice.Client
	Order    orderservice.Client
	Payment  paymentservice.Client

	// bareAuth carries no service token: it obtains one
	// (IssueServiceToken) and reads public keys.
	bareAuth authservice.Client
}

// Clients returns the process's clients, building them on first use.
func (p *Platform) Clients() (*Clients, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.clients != nil {
		return p.clients, nil
	}
	res, err := newResolver(p.cfg)
	if err != nil {
		return nil, err
	}
	c, err := newClients(p.cfg, res, p.identity, false)
	if err != nil {
		return nil, err
	}
	p.clients = c
	return c, nil
}

// callTimeouts bound calls to the services that answer through workflows
// (placing an order prices, reserves and records it, with retries); the
// others answer from their stores within the default 5 seconds.
var callTimeouts = map[string]time.Duration{
	config.Checkout: 90 * time.Second,
	config.Order:    60 * time.Second,
	config.Payment:  30 * time.Second,
}

// DialClients returns clients that call as an outside caller: with the
// token of rpc.WithToken, or none (mallctl, tests).
func DialClients(cfg config.Config) (*Clients, error) {
	res, err := newResolver(cfg)
	if err != nil {
		return nil, err
	}
	return newClients(cfg, res, "", false)
}

// DialGRPCClients are DialClients speaking plain gRPC (HTTP/2), as any
// gRPC client of the .proto files does.
func DialGRPCClients(cfg config.Config) (*Clients, error) {
	res, err := newResolver(cfg)
	if err != nil {
		return nil, err
	}
	return newClients(cfg, res, "", true)
}

// newClients builds the clients; with an identity, calls without a token
// present that identity's service token.
func newClients(cfg config.Config, res discovery.Resolver, identity string, grpc bool) (*Clients, error) {
	var err error
	opts := func(service string, tokens rpc.TokenSource) []client.Option {
		return rpc.ClientOptions(rpc.ClientConfig{
			Service:   service,
			HostPorts: []string{cfg.DialAddr(service)},
			Resolver:  res,
			Tokens:    tokens,
			Timeout:   callTimeouts[service],
			GRPC:      grpc,
		})
	}
	name := func(s string) string { return "tempomall." + s }
	c := &Clients{}
	if c.bareAuth, err = authservice.NewClient(name(config.Auth), opts(config.Auth, nil)...); err != nil {
		return nil, err
	}
	var tokens rpc.TokenSource
	if identity != "" {
		tokens = authn.NewServiceTokens(func(ctx context.Context) (string, time.Time, error) {
			resp, err := c.bareAuth.IssueServiceToken(ctx, &auth.IssueServiceTokenRequest{
				ClientId: identity, ClientSecret: cfg.ServiceSecret,
			})
			if err != nil {
				return "", time.Time{}, err
			}
			return resp.GetAccessToken(), resp.GetExpiresAt().AsTime(), nil
		})
	}
	mk := []struct {
		service string
		build   func([]client.Option) error
	}{
		{config.Auth, func(o []client.Option) (err error) {
			c.Auth, err = authservice.NewClient(name(config.Auth), o...)
			return
		}},
		{config.User, func(o []client.Option) (err error) {
			c.User, err = userservice.NewClient(name(config.User), o...)
			return
		}},
		{config.Product, func(o []client.Option) (err error) {
			c.Product, err = productservice.NewClient(name(config.Product), o...)
			return
		}},
		{config.Cart, func(o []client.Option) (err error) {
			c.Cart, err = cartservice.NewClient(name(config.Cart), o...)
			return
		}},
		{config.Checkout, func(o []client.Option) (err error) {
			c.Checkout, err = checkoutservice.NewClient(name(config.Checkout), o...)
			return
		}},
		{config.Order, func(o []client.Option) (err error) {
			c.Order, err = orderservice.NewClient(name(config.Order), o...)
			return
		}},
		{config.Payment, func(o []client.Option) (err error) {
			c.Payment, err = paymentservice.NewClient(name(config.Payment), o...)
			return
		}},
	}
	for _, m := range mk {
		if err := m.build(opts(m.service, tokens)); err != nil {
			return nil, fmt.Errorf("client of %s: %w", m.service, err)
		}
	}
	return c, nil
}

// fetchKeys returns the auth service's public keys.
func (c *Clients) fetchKeys(ctx context.Context) (map[string]ed25519.PublicKey, error) {
	resp, err := c.bareAuth.GetSigningKeys(ctx, &auth.GetSigningKeysRequest{})
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
func (c *Clients) fetchPolicy(ctx context.Context) (authn.PolicySnapshot, error) {
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
func (c *Clients) fetchRevocations(ctx context.Context, after int64) ([]authn.RevocationEntry, error) {
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
