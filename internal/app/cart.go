package app

import (
	"context"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/cart"
)

func buildCart(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	db, err := p.DB(ctx, config.Cart, cart.Migrations)
	if err != nil {
		return nil, err
	}
	clients, err := p.Clients()
	if err != nil {
		return nil, err
	}
	guard, err := p.Guard(ctx)
	if err != nil {
		return nil, err
	}
	svc := cart.NewService(cart.NewStore(db), cart.ProductCatalog{Client: clients.Product})
	svr, err := p.newServer(config.Cart, guard, cart.PublicMethods, cart.InternalMethods)
	if err != nil {
		return nil, err
	}
	return svr, cart.Register(svr, cart.NewHandler(svc))
}
