package app

import (
	"context"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/cart"
)

func buildCart(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	b, err := p.serviceBase(ctx, config.Cart, cart.Migrations)
	if err != nil {
		return nil, err
	}
	svc := cart.NewService(cart.NewStore(b.db), cart.ProductCatalog{Client: b.clients.Product})
	svr, err := p.newServer(config.Cart, b.guard)
	if err != nil {
		return nil, err
	}
	return svr, cart.Register(svr, cart.NewHandler(svc))
}
