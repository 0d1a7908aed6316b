package app

import (
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
	reg, err := p.registry()
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
	return server.NewServer(opts...), nil
}
