package rpc

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/limit"
	"github.com/cloudwego/kitex/pkg/limiter"
	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/codes"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"
	"github.com/kitex-contrib/obs-opentelemetry/tracing"

	// gRPC clients such as grpcurl offer gzip; Kitex needs the codec registered.
	_ "github.com/cloudwego/kitex/pkg/remote/codec/protobuf/encoding/gzip"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Guard authenticates and authorizes a call. Admit returns the context the
// handler runs with (carrying the caller's identity) or an *apperr.Error of
// kind Unauthenticated or PermissionDenied. bearer is "" when the call
// carries no token. The guard knows which methods are public or internal.
type Guard interface {
	Admit(ctx context.Context, service, method, bearer string) (context.Context, error)
	// Caller names the caller an admitted context carries, for the access
	// log: "user:7", "service:order", "anonymous".
	Caller(ctx context.Context) string
}

// ServerConfig describes one service's server.
type ServerConfig struct {
	// Service is the short service name used in policies: "user", "auth", ...
	Service string
	// Addr is the listen address (host:port); ignored when Listener is set.
	Addr string
	// Listener, when set, is used instead of listening on Addr.
	Listener net.Listener
	// Guard checks every call; nil admits every call unauthenticated (only for
	// tests of a handler alone).
	Guard Guard
	// Registry registers the server for discovery; nil for static addresses.
	Registry registry.Registry
	// Observer records and logs every call; nil records nothing.
	Observer *Observer
	// Limits bound the server's load.
	Limits Limits
	// DrainTime bounds how long a stopping server waits for the calls in
	// flight (default 10s).
	DrainTime time.Duration
}

// Limits bound a server's load with Kitex's limiters: connections and QPS
// for the whole server, and a lower QPS for the methods anyone may call
// without an account (public methods), answered ResourceExhausted beyond
// it. Zero means no limit.
type Limits struct {
	MaxConnections int
	MaxQPS         int
	PublicQPS      int
	// IsPublic reports whether a method of the service is public.
	IsPublic func(method string) bool
}

// ServerOptions returns the Kitex server options every tempomall service
// uses: TTHeader and HTTP/2 metadata, OpenTelemetry tracing, error mapping
// with metrics and an access log line per call, the guard, the text rule
// and the limits.
func ServerOptions(cfg ServerConfig) ([]server.Option, error) {
	drain := cfg.DrainTime
	if drain == 0 {
		drain = 10 * time.Second
	}
	opts := []server.Option{
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: "tempomall." + cfg.Service}),
		// Tracing (OpenTelemetry, the process's providers) with Kitex's
		// TTHeader and HTTP/2 metadata handlers, which carry the trace
		// context and the authorization token.
		server.WithSuite(tracing.NewServerSuite()),
		// The caller's timeout travels in the TTHeader (gRPC's in
		// grpc-timeout) and becomes the handler's context deadline, so a
		// call its caller gave up on stops waiting (for a store, a
		// password hashing slot) instead of piling up behind live ones.
		server.WithMetaHandler(transmeta.ServerTTHeaderHandler),
		server.WithEnableContextTimeout(true),
		// The process owns shutdown (Serve stops the server with its context);
		// Kitex must not install its own signal handler.
		server.WithExitSignal(func() <-chan error { return make(chan error) }),
		server.WithExitWaitTime(drain),
		// gRPC unary calls reach the middleware with their real request
		// (not a stream), so that the text rule sees it.
		server.WithCompatibleMiddlewareForUnary(),
		server.WithMiddleware(statusMiddleware(cfg)),
		server.WithMiddleware(guardMiddleware(cfg)),
	}
	if l := cfg.Limits; l.MaxConnections > 0 || l.MaxQPS > 0 {
		opts = append(opts, server.WithLimit(&limit.Option{MaxConnections: l.MaxConnections, MaxQPS: l.MaxQPS}))
	}
	switch {
	case cfg.Listener != nil:
		opts = append(opts, server.WithListener(cfg.Listener))
	case cfg.Addr != "":
		addr, err := net.ResolveTCPAddr("tcp", cfg.Addr)
		if err != nil {
			return nil, fmt.Errorf("listen address of %s: %w", cfg.Service, err)
		}
		opts = append(opts, server.WithServiceAddr(addr))
	default:
		return nil, fmt.Errorf("service %s has neither an address nor a listener", cfg.Service)
	}
	if cfg.Registry != nil {
		opts = append(opts, server.WithRegistry(cfg.Registry))
	}
	return opts, nil
}

// isHealth reports whether a call is to the gRPC health service, which
// every caller may reach without a token.
func isHealth(ri rpcinfo.RPCInfo) bool {
	inv := ri.Invocation()
	return inv.ServiceName() == "Health" && inv.PackageName() == "grpc.health.v1"
}

// statusMiddleware maps a failed call's error to its status and hands it to
// Kitex as a business status, which Kitex writes as TTHeader biz-status for
// Kitex clients and as grpc-status for gRPC clients. It records the call
// (metrics, one access log line) once it is answered.
func statusMiddleware(cfg ServerConfig) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req, resp any) error {
			start := time.Now()
			ctx, who := withCallerSlot(ctx)
			err := next(ctx, req, resp)
			ri := rpcinfo.GetRPCInfo(ctx)
			method := ri.Invocation().MethodName()
			code := codes.OK
			if err == nil {
				if be := ri.Invocation().BizStatusErr(); be != nil {
					code = codes.Code(be.BizStatusCode())
				}
			} else {
				st := ToStatus(ctx, method, err)
				code, err = st.code, nil
				if setter, ok := ri.Invocation().(rpcinfo.InvocationSetter); ok {
					setter.SetBizStatusErr(st)
				} else {
					err = st
				}
			}
			cfg.Observer.served(ctx, cfg.Service, method, code, time.Since(start), who.name, peerOf(ri))
			return err
		}
	}
}

func peerOf(ri rpcinfo.RPCInfo) string {
	if a := ri.From().Address(); a != nil {
		return a.String()
	}
	return ""
}

func guardMiddleware(cfg ServerConfig) endpoint.Middleware {
	var public limiter.RateLimiter
	if cfg.Limits.PublicQPS > 0 && cfg.Limits.IsPublic != nil {
		public = limiter.NewQPSLimiter(100*time.Millisecond, cfg.Limits.PublicQPS)
	}
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		if cfg.Guard == nil {
			return next
		}
		return func(ctx context.Context, req, resp any) error {
			ri := rpcinfo.GetRPCInfo(ctx)
			if isHealth(ri) {
				return next(ctx, req, resp)
			}
			method := ri.Invocation().MethodName()
			if public != nil && cfg.Limits.IsPublic(method) && !public.Acquire(ctx) {
				return apperr.Errorf(apperr.ResourceExhausted, "too many requests to %s.%s; retry in a moment", cfg.Service, method)
			}
			bearer, ok := IncomingToken(ctx)
			if !ok {
				return apperr.New(apperr.Unauthenticated, `malformed authorization metadata; send "authorization: Bearer <access token>"`)
			}
			if err := checkToken(bearer); err != nil {
				return err
			}
			ctx, err := cfg.Guard.Admit(ctx, cfg.Service, method, bearer)
			if err != nil {
				return err
			}
			setCaller(ctx, cfg.Guard.Caller(ctx))
			if err := checkText(req); err != nil {
				return err
			}
			return next(ctx, req, resp)
		}
	}
}

// Runnable is a Kitex server.
type Runnable interface {
	Run() error
	Stop() error
}

// Serve runs a server until ctx is done, then stops it. It returns the
// server's error if it fails to start or stops on its own.
func Serve(ctx context.Context, svr Runnable) error {
	errc := make(chan error, 1)
	go func() { errc <- svr.Run() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		if err := svr.Stop(); err != nil {
			return err
		}
		<-errc
		return nil
	}
}
