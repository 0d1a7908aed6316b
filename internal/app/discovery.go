package app

import (
	etcd "github.com/kitex-contrib/registry-etcd"

	"github.com/cloudwego/kitex/pkg/discovery"
	"github.com/cloudwego/kitex/pkg/registry"
)

// newEtcdResolver finds services registered in etcd.
func newEtcdResolver(endpoints []string) (discovery.Resolver, error) {
	return etcd.NewEtcdResolver(endpoints)
}

// registry returns the etcd registry when discovery is etcd, else nil.
// A service listening on ":port" registers the host's IPv4 address
// (KITEX_IP_TO_REGISTRY overrides it).
func (p *Platform) registry() (registry.Registry, error) {
	if p.cfg.Discovery != "etcd" {
		return nil, nil
	}
	return etcd.NewEtcdRegistry(p.cfg.EtcdEndpoints)
}
