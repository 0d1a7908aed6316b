package app

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/product"
)

// Product cache sizing: the in-process level keeps the hottest products
// for a few seconds (the longest another replica may show a product after
// a change); the shared level (Redis) keeps them for product.DefaultCacheTTL
// unless a write removes them first.
const (
	productL1Size = 10_000
	productL1TTL  = 2 * time.Second
)

func buildProduct(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	b, err := p.serviceBase(ctx, config.Product, product.Migrations)
	if err != nil {
		return nil, err
	}
	svc := product.NewService(
		product.NewStore(b.db),
		p.Cache(config.Product, productL1Size, productL1TTL),
		product.Settings{Currency: p.cfg.CatalogCurrency},
	)
	svr, err := p.newServer(config.Product, b.guard)
	if err != nil {
		return nil, err
	}
	return svr, product.Register(svr, product.NewHandler(svc))
}
