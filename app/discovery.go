package app

import (
	"context"
	"net"
	"strings"
	"time"

	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"
	consul "github.com/kitex-contrib/registry-consul"
	etcd "github.com/kitex-contrib/registry-etcd"

	"github.com/tempomall/tempomall/internal/config"
)

// Service discovery, chosen by config.Discovery:
//
//   - static: clients dial the configured addresses; nothing registers.
//   - etcd: servers register under kitex/registry-etcd/<service>/<addr>
//     with a leased key (removed on stop, or when the lease expires after
//     a crash); clients resolve through the same etcd. The end-to-end test
//     e2e/discovery_test.go runs this path against a real etcd.
//   - consul: servers register with the Consul agent at config.ConsulAddr
//     (removed on stop), which checks them over TCP every 5s and drops
//     them a minute after they stop answering; clients resolve passing
//     instances only. docker-compose.yaml uses it. Consul cannot be
//     installed on our build machines, so unlike etcd this path is
//     compiled but not run by any test here.

// backend builds the resolver and the registries of one discovery kind.
type backend struct {
	// where names the registry the configuration points at.
	where    func(config.Config) string
	resolver func(config.Config) (discovery.Resolver, error)
	registry func(config.Config) (registry.Registry, error)
}

// backends are the discovery kinds other than static, by config.Discovery.
var backends = map[string]backend{
	"etcd": {
		where:    func(c config.Config) string { return strings.Join(c.EtcdEndpoints, ",") },
		resolver: func(c config.Config) (discovery.Resolver, error) { return etcd.NewEtcdResolver(c.EtcdEndpoints) },
		registry: func(c config.Config) (registry.Registry, error) { return etcd.NewEtcdRegistry(c.EtcdEndpoints) },
	},
	"consul": {
		where:    func(c config.Config) string { return c.ConsulAddr },
		resolver: func(c config.Config) (discovery.Resolver, error) { return consul.NewConsulResolver(c.ConsulAddr) },
		registry: func(c config.Config) (registry.Registry, error) { return consul.NewConsulRegister(c.ConsulAddr) },
	},
}

// Resolver returns the resolver of cfg's discovery, or nil when clients
// dial static addresses (clients.Options.Resolver).
func Resolver(cfg config.Config) (discovery.Resolver, error) {
	b, ok := backends[cfg.Discovery]
	if !ok {
		return nil, nil
	}
	res, err := b.resolver(cfg)
	if err != nil {
		return nil, err
	}
	return registryResolver{Resolver: res, name: cfg.Discovery + "@" + b.where(cfg)}, nil
}

// newRegistry returns a registry of cfg's discovery, or nil for static
// addresses. Each server needs its own: the registries keep the state of
// one registration (the etcd lease, the Consul check).
func newRegistry(cfg config.Config) (registry.Registry, error) {
	if b, ok := backends[cfg.Discovery]; ok {
		return b.registry(cfg)
	}
	return nil, nil
}

// resolveTimeout bounds one lookup in the registry.
const resolveTimeout = 3 * time.Second

// registryResolver adapts a registry's resolver to Kitex's process-wide
// balancer cache:
//
//   - Kitex keys its balancers (and their resolvers) by resolver name: under
//     the library's plain "etcd", a process that meets a second etcd (tests
//     do) would go on reading the first. The name includes the registry's
//     address.
//   - Kitex refreshes every balancer of the process together and waits for
//     the slowest, and the etcd client retries until its context ends: one
//     registry that does not answer would stop every refresh. Each lookup
//     is bounded; a failed refresh keeps the last instances.
type registryResolver struct {
	discovery.Resolver
	name string
}

// Resolve implements discovery.Resolver.
func (r registryResolver) Resolve(ctx context.Context, desc string) (discovery.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	return r.Resolver.Resolve(ctx, desc)
}

// Name implements discovery.Resolver.
func (r registryResolver) Name() string { return r.name }

// advertised is the address a server listening on addr registers. A
// specific address (127.0.0.1:PORT in tests) is registered as is. A
// wildcard (":PORT", which is "[::]:PORT", or "0.0.0.0:PORT" where IPv6
// is off, as in many containers) becomes a bare port, for which both
// registries substitute the host's first non-loopback IPv4 address (the
// container's address in docker-compose; KITEX_IP_TO_REGISTRY overrides
// it with etcd). Registering 0.0.0.0 would send callers to themselves.
func advertised(addr net.Addr) net.Addr {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr
	}
	return &net.TCPAddr{Port: tcp.Port}
}
