package rpc

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/fallback"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/pkg/utils"
	"github.com/cloudwego/kitex/transport"
)

// TokenSource supplies the credential of a process that calls services on
// its own behalf (a service, the worker).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// ClientConfig describes how to reach one service.
type ClientConfig struct {
	// Service is the short name of the target: "user", "product", ...
	Service string
	// HostPorts are static addresses; used when Resolver is nil.
	HostPorts []string
	// Resolver finds instances through discovery (etcd).
	Resolver discovery.Resolver
	// Tokens, when set, supplies the token of calls whose context carries
	// none (see WithToken).
	Tokens TokenSource
	// Timeout bounds each call; 0 means 5 seconds.
	Timeout time.Duration
	// GRPC speaks gRPC (HTTP/2) instead of Kitex's TTHeader framing, as
	// any gRPC client of the .proto files does.
	GRPC bool
}

// ClientOptions returns the Kitex client options every tempomall caller
// uses: TTHeader framing with metadata, the token, and errors turned back
// into failure kinds (see FromError).
func ClientOptions(cfg ClientConfig) []client.Option {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	protocol, meta := transport.TTHeaderFramed, transmeta.ClientTTHeaderHandler
	if cfg.GRPC {
		protocol, meta = transport.GRPC, transmeta.ClientHTTP2Handler
	}
	opts := []client.Option{
		client.WithTransportProtocol(protocol),
		client.WithMetaHandler(meta),
		client.WithRPCTimeout(timeout),
		client.WithConnectTimeout(time.Second),
		// Kitex returns business status errors after the middleware chain;
		// a fallback policy sees them, so it is where errors are converted.
		client.WithFallback(fallback.ErrorFallback(func(_ context.Context, _ utils.KitexArgs, _ utils.KitexResult, err error) error {
			return FromError(err)
		})),
	}
	opts = append(opts, client.WithMiddleware(tokenMiddleware(cfg.Tokens)))
	if cfg.Resolver != nil {
		opts = append(opts, client.WithResolver(cfg.Resolver))
	} else {
		opts = append(opts, client.WithHostPorts(cfg.HostPorts...))
	}
	return opts
}

// tokenMiddleware attaches the token of WithToken, or else the token
// source's (when there is one).
func tokenMiddleware(ts TokenSource) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			tok := outgoingToken(ctx)
			if tok == "" && ts != nil {
				var err error
				if tok, err = ts.Token(ctx); err != nil {
					return err
				}
			}
			if err := checkToken(tok); err != nil {
				return err // the transport could not even carry it
			}
			if tok != "" {
				ctx = attachToken(ctx, tok)
			}
			return next(ctx, req, resp)
		}
	}
}
