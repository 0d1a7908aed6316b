package app

import (
	"context"

	"github.com/cloudwego/kitex/pkg/registry"
	"github.com/cloudwego/kitex/server"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/internal/rpc"
)

// newServer returns a Kitex server for a service with the shared option
// suite; the caller registers the service's handler on it.
func (p *Platform) newServer(name string, guard rpc.Guard) (server.Server, error) {
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

// base is what a service is built from: its migrated database, the
// process's clients of the other services, and the guard of its calls.
type base struct {
	db      *gorm.DB
	clients *Clients
	guard   *authn.Guard
}

// serviceBase opens a service's store and gets the clients and the guard.
func (p *Platform) serviceBase(ctx context.Context, store string, migrations []dbx.Migration) (base, error) {
	db, err := p.DB(ctx, store, migrations)
	if err != nil {
		return base{}, err
	}
	clients, err := p.Clients()
	if err != nil {
		return base{}, err
	}
	guard, err := p.Guard(ctx)
	if err != nil {
		return base{}, err
	}
	return base{db: db, clients: clients, guard: guard}, nil
}
