package rpc

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/cloudwego/kitex/pkg/endpoint"
	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"github.com/cloudwego/kitex/pkg/transmeta"
	"github.com/cloudwego/kitex/server"

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
}

// ServerOptions returns the Kitex server options every tempomall service
// uses: TTHeader and HTTP/2 metadata, error mapping and the guard.
func ServerOptions(cfg ServerConfig) ([]server.Option, error) {
	opts := []server.Option{
		server.WithServerBasicInfo(&rpcinfo.EndpointBasicInfo{ServiceName: "tempomall." + cfg.Service}),
		server.WithMetaHandler(transmeta.ServerTTHeaderHandler),
		server.WithMetaHandler(transmeta.ServerHTTP2Handler),
		// The process owns shutdown (Serve stops the server with its context);
		// Kitex must not install its own signal handler.
		server.WithExitSignal(func() <-chan error { return make(chan error) }),
		server.WithExitWaitTime(2 * time.Second),
		// gRPC unary calls reach the middleware with their real request
		// (not a stream), so that the text rule sees it.
		server.WithCompatibleMiddlewareForUnary(),
		server.WithMiddleware(statusMiddleware),
		server.WithMiddleware(guardMiddleware(cfg)),
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

// statusMiddleware maps a failed call's error to its status and hands it to
// Kitex as a business status, which Kitex writes as TTHeader biz-status for
// Kitex clients and as grpc-status for gRPC clients.
func statusMiddleware(next endpoint.Endpoint) endpoint.Endpoint {
	return func(ctx context.Context, req, resp any) error {
		start := time.Now()
		err := next(ctx, req, resp)
		ri := rpcinfo.GetRPCInfo(ctx)
		method := ri.Invocation().MethodName()
		if err == nil {
			if be := ri.Invocation().BizStatusErr(); be != nil {
				klog.CtxDebugf(ctx, "%s -> %d %s (%s)", method, be.BizStatusCode(), be.BizMessage(), time.Since(start))
			}
			return nil
		}
		st := ToStatus(ctx, method, err)
		klog.CtxDebugf(ctx, "%s -> %s (%s)", method, st, time.Since(start))
		if setter, ok := ri.Invocation().(rpcinfo.InvocationSetter); ok {
			setter.SetBizStatusErr(st)
			return nil
		}
		return st
	}
}

func guardMiddleware(cfg ServerConfig) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		if cfg.Guard == nil {
			return next
		}
		return func(ctx context.Context, req, resp any) error {
			method := rpcinfo.GetRPCInfo(ctx).Invocation().MethodName()
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
