package rpc

import (
	"context"
	"strings"
	"time"

	"github.com/cloudwego/kitex/client"
	"github.com/cloudwego/kitex/pkg/circuitbreak"
	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/fallback"
	"github.com/cloudwego/kitex/pkg/retry"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/pkg/utils"
	"github.com/cloudwego/kitex/transport"
	"github.com/kitex-contrib/obs-opentelemetry/tracing"
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
	// Methods are the service's methods; those that only read (Get*,
	// List*, Search*, BatchGet*, Check*, Verify*) are retried once after a
	// transport failure. Others are never retried by the client: their
	// callers retry with their idempotency keys.
	Methods []string
	// CircuitBreaker stops calling an instance (or the whole service) that
	// keeps failing, for a while: for calls between services.
	CircuitBreaker bool
}

// readOnly reports whether a method only reads, and so may be retried.
func readOnly(method string) bool {
	for _, p := range []string{"Get", "List", "Search", "BatchGet", "Check", "Verify"} {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

// ClientOptions returns the Kitex client options every tempomall caller
// uses: TTHeader framing with metadata, the token, and errors turned back
// into failure kinds (see FromError).
func ClientOptions(cfg ClientConfig) []client.Option {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	protocol := transport.TTHeaderFramed
	if cfg.GRPC {
		protocol = transport.GRPC
	}
	opts := []client.Option{
		// Tracing (OpenTelemetry) with both metadata handlers; the
		// transport chosen here comes after it and wins.
		client.WithSuite(tracing.NewClientSuite()),
		client.WithTransportProtocol(protocol),
		// The call's timeout goes to the server with the request (see
		// ServerOptions).
		client.WithMetaHandler(transmeta.ClientTTHeaderHandler),
		client.WithRPCTimeout(timeout),
		client.WithConnectTimeout(time.Second),
		// Kitex returns business status errors after the middleware chain;
		// a fallback policy sees them, so it is where errors are converted.
		client.WithFallback(fallback.ErrorFallback(func(_ context.Context, _ utils.KitexArgs, _ utils.KitexResult, err error) error {
			return FromError(err)
		})),
	}
	opts = append(opts, client.WithMiddleware(tokenMiddleware(cfg.Tokens)))
	retries := map[string]retry.Policy{}
	for _, m := range cfg.Methods {
		if readOnly(m) {
			fp := retry.NewFailurePolicy()
			fp.WithMaxRetryTimes(1)
			retries[m] = retry.BuildFailurePolicy(fp)
		}
	}
	if len(retries) > 0 {
		opts = append(opts, client.WithRetryMethodPolicies(retries))
	}
	if cfg.CircuitBreaker {
		opts = append(opts, client.WithCircuitBreaker(circuitbreak.NewCBSuite(circuitbreak.RPCInfo2Key)))
	}
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
