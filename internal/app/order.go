package app

import (
	"context"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/order"
	orderwf "github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/payment"
)

// orderSettings are the order workflows' timing rules from the config.
func orderSettings(cfg config.Config) orderwf.Settings {
	return orderwf.Settings{
		PaymentTimeout: cfg.OrderPaymentTimeout,
		RefundWindow:   cfg.RefundWindow,
		Payment:        payment.Settings{ReconcileAfter: cfg.PaymentReconcileAfter, Timeout: cfg.PaymentTimeout},
	}
}

func buildOrder(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	b, err := p.serviceBase(ctx, config.Order, order.Migrations)
	if err != nil {
		return nil, err
	}
	tc, err := p.Temporal(ctx)
	if err != nil {
		return nil, err
	}
	svc := order.NewService(order.NewStore(b.db), tc, orderSettings(p.cfg))
	svr, err := p.newServer(config.Order, b.guard)
	if err != nil {
		return nil, err
	}
	return svr, order.Register(svr, order.NewHandler(svc))
}
