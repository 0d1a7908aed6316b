// Package clients builds Kitex clients of every tempomall service with the
// shared client option suite (internal/rpc). It is the one package a
// caller of the services needs besides the contract (idl/): mallctl, the
// tests and the services themselves use it, and it links none of the
// server side.
package clients

import (
	"fmt"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/discovery"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout/checkoutservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment/paymentservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/user/userservice"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/contract"
	"github.com/tempomall/tempomall/internal/rpc"
)

// Clients are Kitex clients of every service.
type Clients struct {
	Auth     authservice.Client
	User     userservice.Client
	Product  productservice.Client
	Cart     cartservice.Client
	Checkout checkoutservice.Client
	Order    orderservice.Client
	Payment  paymentservice.Client
}

// Options say how the clients reach the services and as whom.
type Options struct {
	// Resolver finds instances through discovery; nil dials the configured
	// static addresses (config.DialAddr).
	Resolver discovery.Resolver
	// Tokens, when set, supplies the token of calls whose context carries
	// none (rpc.WithToken): a service's or the worker's own credential.
	Tokens rpc.TokenSource
	// GRPC speaks gRPC (HTTP/2) instead of Kitex's TTHeader framing.
	GRPC bool
	// CircuitBreaker stops calling an instance that keeps failing, for a
	// while: for calls between services.
	CircuitBreaker bool
}

// callTimeouts bound one call to the services that answer through
// workflows (placing an order prices, holds, charges and records it):
// config.Budgets' Call, which outlives the service's wait; the others
// answer from their stores within rpc's default.
func callTimeouts(cfg config.Config) map[string]time.Duration {
	call := cfg.Budgets().Call
	return map[string]time.Duration{config.Checkout: call, config.Order: call, config.Payment: call}
}

// New returns clients of every service configured in cfg.
func New(cfg config.Config, o Options) (*Clients, error) {
	timeouts := callTimeouts(cfg)
	opts := func(service string) []client.Option {
		return rpc.ClientOptions(rpc.ClientConfig{
			Service:   service,
			HostPorts: []string{cfg.DialAddr(service)},
			Resolver:  o.Resolver,
			Tokens:    o.Tokens,
			Timeout:   timeouts[service],
			GRPC:      o.GRPC,
			Methods:   contract.Methods(service),

			CircuitBreaker: o.CircuitBreaker,
		})
	}
	name := func(s string) string { return "tempomall." + s }
	c := &Clients{}
	var err error
	for _, m := range []struct {
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
	} {
		if err = m.build(opts(m.service)); err != nil {
			return nil, fmt.Errorf("client of %s: %w", m.service, err)
		}
	}
	return c, nil
}
