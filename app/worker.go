package app

import (
	"context"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/activities/catalog"
	"github.com/tempomall/tempomall/activities/jobs"
	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/activities/records"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/order"
	"github.com/tempomall/tempomall/services/payment"
	"github.com/tempomall/tempomall/worker"
	"github.com/tempomall/tempomall/workflows/schedules"
)

// worker builds the Temporal workers with filled-in activities and makes
// sure the schedules exist.
func (b *builder) worker(ctx context.Context) error {
	tc, cl := b.sys.Temporal, b.sys.Clients
	orders, paymentStore := order.NewStore(b.dbs[config.Order]), payment.NewStore(b.dbs[config.Payment])
	gw := b.gatewayClient()
	workers := worker.New(tc, worker.Activities{
		Catalog: &catalog.Catalog{
			Products: cl.Product, Carts: cl.Cart, Coupons: b.checkouts,
			CatalogCurrency: b.cfg.CatalogCurrency, Rates: b.cfg.ExchangeRates,
		},
		Payments: &payments.Payments{Gateway: gw},
		Records:  &records.Records{Orders: orders, Payments: paymentStore, Checkouts: b.checkouts},
		Jobs: &jobs.Jobs{
			Payments: paymentStore, Checkouts: b.checkouts, Gateway: gw,
			StuckAfter: 2 * b.cfg.PaymentTimeout, Retention: b.cfg.CheckoutRetention,
		},
	}, worker.Settings{StopTimeout: b.cfg.Ops.ShutdownGrace, CacheSize: b.cfg.Ops.WorkflowCache})
	if err := schedules.Ensure(ctx, tc); err != nil {
		klog.Warnf("create schedules (the worker runs without them): %v", err)
	}
	b.sys.run("worker", func(ctx context.Context) error { return worker.Run(ctx, workers) })
	return nil
}
