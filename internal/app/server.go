package app

import (
	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/rpc"
)

// newServer returns a Kitex server for a service with the shared option
// suite; the caller registers the service's handler on it.
func (p *Platform) newServer(name string, guard rpc.Guard, public, internal []string) (server.Server, error) {
	ln, err := p.listen(name, p.cfg.Listen[name])
	if err != nil {
		return nil, err
	}
	reg, err := newRegistry(p.cfg)
	if err != nil {
		return nil, err
	}
	opts, err := rpc.ServerOptions(rpc.ServerConfig{
		Service:  name,
		Listener: ln,
		Guard:    guard,
		Public:   public,
		Internal: internal,
		Registry: reg,
	})
	if err != nil {
		return nil, err
	}
	if reg != nil {
		// Kitex registers the listener's address; a wildcard one is no
		// address to call (see advertised).
		opts = append(opts, server.WithRegistryInfo(&registry.Info{Addr: advertised(ln.Addr()), SkipListenAddr: true}))
	}
	return server.NewServer(opts...), nil
}
