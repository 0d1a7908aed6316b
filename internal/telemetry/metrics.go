package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metric names of the instruments the workflows and activities record
// through the Temporal SDK's metrics handler (so that replays do not count
// twice); the exporter turns them into Prometheus names with a _total
// suffix (tempomall_order_transitions_total, ...).
const (
	// OrderTransitions counts order state changes, by "from" and "to".
	OrderTransitions = "tempomall_order_transitions"
	// Payments counts payment attempts settled, by "outcome" (SUCCEEDED,
	// FAILED, CANCELLED).
	Payments = "tempomall_payments"
	// Refunds counts refunds settled, by "outcome".
	Refunds = "tempomall_refunds"
	// StockRefused counts stock reservations the product service refused.
	StockRefused = "tempomall_stock_reservations_refused"
)

// Metrics are the instruments tempomall's code records directly: RPCs by
// method and code, checkout answers, webhook deliveries, and the orders
// by state.
type Metrics struct {
	meter          metric.Meter
	rpcRequests    metric.Int64Counter
	rpcDuration    metric.Float64Histogram
	checkoutAnswer metric.Float64Histogram
	webhooks       metric.Int64Counter
}

// NewMetrics creates the instruments on mp.
func NewMetrics(mp metric.MeterProvider) (*Metrics, error) {
	m := &Metrics{meter: mp.Meter("github.com/tempomall/tempomall")}
	var err error
	if m.rpcRequests, err = m.meter.Int64Counter("tempomall.rpc.server.requests",
		metric.WithDescription("RPCs served, by service, method and status code")); err != nil {
		return nil, err
	}
	if m.rpcDuration, err = m.meter.Float64Histogram("tempomall.rpc.server.duration", metric.WithUnit("s"),
		metric.WithDescription("time to serve an RPC, by service, method and status code"),
		metric.WithExplicitBucketBoundaries(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30)); err != nil {
		return nil, err
	}
	if m.checkoutAnswer, err = m.meter.Float64Histogram("tempomall.checkout.answer", metric.WithUnit("s"),
		metric.WithDescription("time until a Checkout is answered, by outcome"),
		metric.WithExplicitBucketBoundaries(.01, .025, .05, .075, .1, .15, .2, .3, .5, .75, 1, 2, 5, 10, 30)); err != nil {
		return nil, err
	}
	if m.webhooks, err = m.meter.Int64Counter("tempomall.webhook.deliveries",
		metric.WithDescription("gateway webhook deliveries, by result (accepted, duplicate, ignored, rejected, retry)")); err != nil {
		return nil, err
	}
	return m, nil
}

// RPC records one served RPC.
func (m *Metrics) RPC(ctx context.Context, service, method, code string, d time.Duration) {
	attrs := metric.WithAttributes(attribute.String("service", service), attribute.String("method", method), attribute.String("code", code))
	m.rpcRequests.Add(ctx, 1, attrs)
	m.rpcDuration.Record(ctx, d.Seconds(), attrs)
}

// CheckoutAnswered records the time a Checkout took to answer.
func (m *Metrics) CheckoutAnswered(ctx context.Context, d time.Duration, outcome string) {
	m.checkoutAnswer.Record(ctx, d.Seconds(), metric.WithAttributes(attribute.String("outcome", outcome)))
}

// WebhookDelivered records a webhook delivery's result.
func (m *Metrics) WebhookDelivered(ctx context.Context, result string) {
	m.webhooks.Add(ctx, 1, metric.WithAttributes(attribute.String("result", result)))
}

// ObserveOrders reports the number of orders in each state, read by count
// when the metrics are scraped (tempomall_orders{status}).
func (m *Metrics) ObserveOrders(count func(context.Context) (map[string]int64, error)) error {
	_, err := m.meter.Int64ObservableGauge("tempomall.orders", metric.WithDescription("orders by state"),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			counts, err := count(ctx)
			if err != nil {
				return err
			}
			for status, n := range counts {
				o.Observe(n, metric.WithAttributes(attribute.String("status", status)))
			}
			return nil
		}))
	return err
}
