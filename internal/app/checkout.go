package app

import (
	"context"
	"time"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/checkout"
)

// checkoutStore returns the checkout store, cached in process (briefly)
// and in Redis when configured.
func (p *Platform) checkoutStore(ctx context.Context) (*checkout.Store, error) {
	db, err := p.DB(ctx, config.Checkout, checkout.Migrations)
	if err != nil {
		return nil, err
	}
	return checkout.NewStore(db, p.Cache("checkout", 10_000, 2*time.Second)), nil
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
	svr, err := p.newServer(config.Checkout, guard, checkout.PublicMethods, checkout.InternalMethods)
	if err != nil {
		return nil, err
	}
	return svr, checkout.Register(svr, checkout.NewHandler(svc))
}
