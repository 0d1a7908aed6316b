package app

import (
	"context"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/order"
	"github.com/tempomall/tempomall/services/payment"
	"github.com/tempomall/tempomall/worker"
	"github.com/tempomall/tempomall/workflows/schedules"
)

// buildWorker builds the Temporal workers with filled-in activities and
// makes sure the schedules exist.
func buildWorker(ctx context.Context, p *Platform) (func(context.Context) error, error) {
	tc, err := p.Temporal(ctx)
	if err != nil {
		return nil, err
	}
	clients, err := p.Clients()
	if err != nil {
		return nil, err
	}
	orderDB, err := p.DB(ctx, config.Order, order.Migrations)
	if err != nil {
		return nil, err
	}
	paymentDB, err := p.DB(ctx, config.Payment, payment.Migrations)
	if err != nil {
		return nil, err
	}
	checkouts, err := p.checkoutStore(ctx)
	if err != nil {
		return nil, err
	}
	orders, payments := order.NewStore(orderDB), payment.NewStore(paymentDB)
	gw := p.gatewayClient()
	workers := worker.New(tc, worker.Activities{
		Catalog: &activities.Catalog{
			Products: clients.Product, Coupons: checkouts,
			CatalogCurrency: p.cfg.CatalogCurrency, Rates: p.cfg.ExchangeRates,
		},
		Carts:   &activities.Carts{Carts: clients.Cart},
		Orders:  &activities.Orders{Orders: clients.Order},
		Records: &activities.Records{Orders: orders, Payments: payments, Checkouts: checkouts},
		Gateway: &activities.Gateway{Client: gw},
		Jobs: &activities.Jobs{
			Payments: payments, Checkouts: checkouts, Gateway: gw, Temporal: tc,
			StuckAfter: 2 * p.cfg.PaymentTimeout, Retention: p.cfg.CheckoutRetention,
		},
	})
	if err := schedules.Ensure(ctx, tc); err != nil {
		klog.Warnf("create schedules (the worker runs without them): %v", err)
	}
	return func(ctx context.Context) error {
		return worker.Run(ctx, workers)
	}, nil
}
