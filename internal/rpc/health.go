package rpc

import (
	"context"
	"slices"
	"time"

	"github.com/cloudwego/kitex/server"

	healthpb "github.com/tempomall/tempomall/idl/kitex_gen/grpc/health/v1/health"
	healthservice "github.com/tempomall/tempomall/idl/kitex_gen/grpc/health/v1/health/health"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// HealthService is the full name of the gRPC health service.
const HealthService = "grpc.health.v1.Health"

// watchEvery is how often Watch checks for a change of status.
const watchEvery = 5 * time.Second

// Health answers grpc.health.v1.Health on a service's port: SERVING when
// ready reports the process's dependencies answer, NOT_SERVING otherwise.
type Health struct {
	// Services are the full names served beside the health service.
	Services []string
	// Ready reports whether the process can serve.
	Ready func(ctx context.Context) bool
}

var _ healthpb.Health = (*Health)(nil)

// RegisterHealth adds the health service to a Kitex server.
func RegisterHealth(svr server.Server, h *Health) error {
	return healthservice.RegisterService(svr, h)
}

func (h *Health) status(ctx context.Context, service string) (healthpb.HealthCheckResponse_ServingStatus, bool) {
	if service != "" && service != HealthService && !slices.Contains(h.Services, service) {
		return healthpb.HealthCheckResponse_SERVICE_UNKNOWN, false
	}
	if h.Ready(ctx) {
		return healthpb.HealthCheckResponse_SERVING, true
	}
	return healthpb.HealthCheckResponse_NOT_SERVING, true
}

// Check answers the serving status now; an unknown service is NotFound,
// as the protocol says.
func (h *Health) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	st, known := h.status(ctx, req.GetService())
	if !known {
		return nil, apperr.NotFoundf("unknown service %s", text.Quote(req.GetService()))
	}
	return &healthpb.HealthCheckResponse{Status: st}, nil
}

// Watch sends the serving status, then each change, until the caller
// hangs up.
func (h *Health) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	ctx := stream.Context()
	last := healthpb.HealthCheckResponse_ServingStatus(-1)
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for {
		st, _ := h.status(ctx, req.GetService())
		if st != last {
			if err := stream.Send(&healthpb.HealthCheckResponse{Status: st}); err != nil {
				return err
			}
			last = st
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
