package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/commerce"
)

// runPay charges an order waiting for payment.
func runPay(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("pay ORDER -card NUMBER [-exp MM/YY] [-cvv C] | -token T [-key K] [-watch] [-json]")
	key := fs.String("key", "", "idempotency `key`: the same key again returns the same payment (default: a new one)")
	watch := fs.Bool("watch", false, "then watch the order until it is paid, this payment fails, or it ends")
	asJSON := fs.Bool("json", false, "print JSON")
	var card cardFlags
	card.register(fs)
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *key == "" {
		*key = newKey("pay")
	}
	if err := commerce.CheckKey("key", *key); err != nil {
		return c.usageErr(fs, "-%v", err)
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	s, err := c.session(asUser)
	if err != nil {
		return err
	}
	method, err := card.input(c.now(), s.Name())
	if err != nil {
		return c.usageErr(fs, "%v", err)
	}
	if method == nil {
		return c.usageErr(fs, "give -card NUMBER or -token T")
	}
	resp, err := cl.Payment.Charge(actx, &payment.ChargeRequest{OrderId: pos[0], PaymentMethod: method, IdempotencyKey: *key})
	if err != nil {
		return retryHint(err, "payment", *key)
	}
	p := resp.GetPayment()
	if *asJSON {
		return printJSON(c.out, p)
	}
	fmt.Fprintf(c.out, "payment %s (attempt %d) of %s for order %s: %s with %s (key %s)\n", p.GetId(), p.GetAttempt(),
		fmtMoney(p.GetAmount()), p.GetOrderId(), paymentStatusName(p.GetStatus()), fmtCard(p.GetMethod()), *key)
	if *watch {
		_, err = c.watchOrder(ctx, pos[0], watchOptions{until: settled(p.GetId())})
		return err
	}
	fmt.Fprintf(c.out, "follow it: mallctl order watch %s\n", pos[0])
	return nil
}

// settled returns a watch condition: the order no longer waits for
// payment, or its payment paymentID ("": any) failed, after which the
// order waits for another attempt.
func settled(paymentID string) func(*order.Order) bool {
	return func(o *order.Order) bool {
		return o.GetStatus() != order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT ||
			((paymentID == "" || o.GetPaymentId() == paymentID) && o.GetPaymentStatus() == payment.PaymentStatus_PAYMENT_STATUS_FAILED)
	}
}

// runPayment reads an order's payment and its log.
func runPayment(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "payment", args, []subcommand{
		{"get", runPaymentGet},
		{"logs", runPaymentLogs},
	}, "")
}

func runPaymentGet(ctx context.Context, c *cli, args []string) error {
	return runGet(ctx, c, args, "payment get ORDER [-json]", asUser,
		func(ctx context.Context, cl *clients.Clients, orderID string) (*payment.Payment, error) {
			resp, err := cl.Payment.GetPayment(ctx, &payment.GetPaymentRequest{OrderId: orderID})
			return resp.GetPayment(), err
		}, c.printPayment)
}

// printPayment prints a payment's details.
func (c *cli) printPayment(p *payment.Payment) {
	failure := ""
	if p.GetFailureCode() != "" {
		failure = p.GetFailureCode() + ": " + p.GetFailureMessage()
	}
	refunded := ""
	if p.GetRefunded().GetAmount() != 0 {
		refunded = fmtMoney(p.GetRefunded())
	}
	printFields(c.out,
		"payment", p.GetId(),
		"order", p.GetOrderId(),
		"status", paymentStatusName(p.GetStatus()),
		"amount", fmtMoney(p.GetAmount()),
		"refunded", refunded,
		"card", fmtCard(p.GetMethod()),
		"failure", failure,
		"attempt", strconv.Itoa(int(p.GetAttempt())),
		"gateway charge", p.GetGatewayChargeId(),
		"created", fmtTime(p.GetCreatedAt()),
		"updated", fmtTime(p.GetUpdatedAt()),
		"workflow", p.GetWorkflowId(),
	)
}

func runPaymentLogs(ctx context.Context, c *cli, args []string) error {
	return runGet(ctx, c, args, "payment logs ORDER [-json]", asUser, fetchPaymentLogs,
		func(logs []*payment.PaymentLog) { printPaymentLogs(c.out, "", logs) })
}

// paymentLogs returns every state change of an order's payments.
func (c *cli) paymentLogs(ctx context.Context, orderID string) ([]*payment.PaymentLog, error) {
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return nil, err
	}
	return fetchPaymentLogs(actx, cl, orderID)
}

// fetchPaymentLogs reads every state change of an order's payments.
func fetchPaymentLogs(ctx context.Context, cl *clients.Clients, orderID string) ([]*payment.PaymentLog, error) {
	resp, err := cl.Payment.ListPaymentLogs(ctx, &payment.ListPaymentLogsRequest{OrderId: orderID})
	return resp.GetLogs(), err
}

// printPaymentLogs prints a payment log as a table, each line indented.
func printPaymentLogs(w io.Writer, indent string, logs []*payment.PaymentLog) {
	if len(logs) == 0 {
		fmt.Fprintln(w, indent+"no payment yet")
		return
	}
	t := newTable(w)
	fmt.Fprintf(t, "%sTIME\tPAYMENT\tCHANGE\tEVENT\tDETAIL\n", indent)
	for _, l := range logs {
		fmt.Fprintf(t, "%s%s\t%s\t%s -> %s\t%s\t%s\n", indent, l.GetCreatedAt().AsTime().Local().Format("15:04:05.000"),
			l.GetPaymentId(), paymentStatusName(l.GetFromStatus()), paymentStatusName(l.GetToStatus()), l.GetEvent(), l.GetDetail())
	}
	_ = t.Flush()
}
