package app

import (
	"context"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/checkout"
)

// checkoutStore returns the process's checkout store. Checkout records are
// written by the worker and read by the checkout service, possibly in
// other processes, so they are cached in Redis only (a shared cache);
// without Redis they are read from the database.
func (p *Platform) checkoutStore(ctx context.Context) (*checkout.Store, error) {
	db, err := p.DB(ctx, config.Checkout, checkout.Migrations)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.checkouts == nil {
		var c cache.Cache
		if p.redis != nil {
			c = cache.NewRedis(p.redis, RedisPrefix+"checkout:")
		}
		p.checkouts = checkout.NewStore(db, c)
	}
	return p.checkouts, nil
}

func buildCheckout(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	store, err := p.checkoutStore(ctx)
	if err != nil {
		return nil, err
	}
	tc, err := p.Temporal(ctx)
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
	svc := checkout.NewService(store, tc,
		checkout.PaymentCards{Client: clients.Payment}, checkout.OrderStatuses{Client: clients.Order},
		checkout.Settings{TTL: p.cfg.CheckoutTTL, CatalogCurrency: p.cfg.CatalogCurrency})
	svr, err := p.newServer(config.Checkout, guard)
	if err != nil {
		return nil, err
	}
	return svr, checkout.Register(svr, checkout.NewHandler(svc))
}
