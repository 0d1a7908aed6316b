package checkout

import (
	"context"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/internal/protoconv"
	"github.com/tempomall/tempomall/internal/telemetry"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// Handler is the Kitex transport of the checkout service.
type Handler struct {
	svc     *Service
	metrics *telemetry.Metrics
}

var _ checkout.CheckoutService = (*Handler)(nil)

// NewHandler returns the transport over svc; metrics (nil: none) receive
// the checkout answers' latency.
func NewHandler(svc *Service, metrics *telemetry.Metrics) *Handler {
	return &Handler{svc: svc, metrics: metrics}
}

func viewProto(v View) *checkout.Checkout {
	c, q := v.Checkout, v.Checkout.Quote
	out := &checkout.Checkout{
		Id: c.ID, UserId: c.UserID, IdempotencyKey: c.IdempotencyKey,
		Status:   protoconv.CheckoutStatus(c.Status),
		Subtotal: protoconv.Money(q.Subtotal), Discount: protoconv.Money(q.Discount), Payable: protoconv.Money(q.Payable),
		CatalogCurrency: q.CatalogCurrency, ExchangeRate: q.ExchangeRate, CouponCode: q.CouponCode,
		Address: protoconv.Address(c.Address), PaymentMethod: protoconv.Card(c.Card), OrderId: c.OrderID,
		OrderStatus:   protoconv.OrderStatus(v.Order.Order),
		PaymentStatus: protoconv.PaymentStatus(v.Order.Payment), FailureReason: c.FailureReason,
		CreatedAt: protoconv.Time(c.CreatedAt), UpdatedAt: protoconv.Time(c.UpdatedAt), ExpiresAt: protoconv.Time(c.ExpiresAt),
		WorkflowId: orderwf.WorkflowID(orderwf.OrderID(c.UserID, c.IdempotencyKey)),
	}
	for _, l := range q.Lines {
		out.Lines = append(out.Lines, &checkout.CheckoutLine{
			ProductId: l.ProductID, Name: l.Name, Quantity: l.Quantity,
			CatalogUnitPrice: protoconv.Money(l.CatalogUnitPrice), UnitPrice: protoconv.Money(l.UnitPrice),
			LineTotal: protoconv.Money(l.LineTotal),
		})
	}
	return out
}

// Checkout prices the cart and places the order.
func (h *Handler) Checkout(ctx context.Context, req *checkout.CheckoutRequest) (*checkout.CheckoutResponse, error) {
	r := Request{
		Key: req.GetIdempotencyKey(), Address: protoconv.FromAddress(req.GetAddress()),
		Currency: money.NormalizeCurrency(req.GetCurrency()), CouponCode: strings.ToUpper(strings.TrimSpace(req.GetCouponCode())),
		Draft: req.GetDraft(), Token: req.GetPaymentMethod().GetToken(),
	}
	if c := req.GetPaymentMethod().GetCard(); c != nil {
		card := protoconv.FromCardInput(c)
		r.Card = &card
	}
	if req.GetExpectedPayable() != nil {
		m := protoconv.FromMoney(req.GetExpectedPayable())
		r.ExpectedPayable = &m
	}
	start := time.Now()
	v, err := h.svc.Checkout(ctx, r)
	if h.metrics != nil {
		h.metrics.CheckoutAnswered(ctx, time.Since(start), outcome(r.Draft, err))
	}
	if err != nil {
		return nil, err
	}
	return &checkout.CheckoutResponse{Checkout: viewProto(v)}, nil
}

// GetCheckout returns a checkout.
func (h *Handler) GetCheckout(ctx context.Context, req *checkout.GetCheckoutRequest) (*checkout.GetCheckoutResponse, error) {
	v, err := h.svc.Get(ctx, req.GetCheckoutId())
	if err != nil {
		return nil, err
	}
	return &checkout.GetCheckoutResponse{Checkout: viewProto(v)}, nil
}

// UpdateCheckout changes an open checkout.
func (h *Handler) UpdateCheckout(ctx context.Context, req *checkout.UpdateCheckoutRequest) (*checkout.UpdateCheckoutResponse, error) {
	var ch orderwf.Changes
	if req.GetAddress() != nil {
		a := protoconv.FromAddress(req.GetAddress())
		ch.Address = &a
	}
	if req.CouponCode != nil {
		code := strings.ToUpper(strings.TrimSpace(*req.CouponCode))
		ch.CouponCode = &code
	}
	if req.Currency != nil {
		cur := money.NormalizeCurrency(*req.Currency)
		ch.Currency = &cur
	}
	v, err := h.svc.Update(ctx, req.GetCheckoutId(), ch)
	if err != nil {
		return nil, err
	}
	return &checkout.UpdateCheckoutResponse{Checkout: viewProto(v)}, nil
}

// DeleteCheckout abandons an open checkout.
func (h *Handler) DeleteCheckout(ctx context.Context, req *checkout.DeleteCheckoutRequest) (*checkout.DeleteCheckoutResponse, error) {
	if err := h.svc.Delete(ctx, req.GetCheckoutId()); err != nil {
		return nil, err
	}
	return &checkout.DeleteCheckoutResponse{}, nil
}

func couponProto(c CouponRecord) *checkout.Coupon {
	out := &checkout.Coupon{
		Code: c.Code, Kind: checkout.CouponKind(checkout.CouponKind_value["COUPON_KIND_"+string(c.Kind)]),
		PercentOff: int32(c.PercentOff), UsageLimit: c.UsageLimit, Used: c.Used, Disabled: c.Disabled,
		ValidFrom: protoconv.Time(c.ValidFrom), ValidUntil: protoconv.Time(c.ValidUntil), CreatedAt: protoconv.Time(c.CreatedAt),
	}
	if c.AmountOff.Amount > 0 {
		out.AmountOff = protoconv.Money(c.AmountOff)
	}
	if c.MinSpend.Amount > 0 {
		out.MinSpend = protoconv.Money(c.MinSpend)
	}
	return out
}

// CreateCoupon creates a coupon.
func (h *Handler) CreateCoupon(ctx context.Context, req *checkout.CreateCouponRequest) (*checkout.CreateCouponResponse, error) {
	in := req.GetCoupon()
	if in == nil {
		return nil, apperr.InvalidArgf("coupon is required")
	}
	c := pricing.Coupon{
		Code: in.GetCode(), Kind: pricing.CouponKind(strings.TrimPrefix(in.GetKind().String(), "COUPON_KIND_")),
		PercentOff: int64(in.GetPercentOff()), AmountOff: protoconv.FromMoney(in.GetAmountOff()),
		MinSpend: protoconv.FromMoney(in.GetMinSpend()), UsageLimit: in.GetUsageLimit(),
	}
	var err error
	if c.ValidFrom, err = validity("valid_from", in.GetValidFrom()); err != nil {
		return nil, err
	}
	if c.ValidUntil, err = validity("valid_until", in.GetValidUntil()); err != nil {
		return nil, err
	}
	out, err := h.svc.CreateCoupon(ctx, c)
	if err != nil {
		return nil, err
	}
	return &checkout.CreateCouponResponse{Coupon: couponProto(out)}, nil
}

// Coupons are valid between these times at the widest: any store keeps
// them, and a timestamp beyond them is a mistake.
var (
	minValidity = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxValidity = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// validity returns a coupon's validity bound; the zero time when unset.
func validity(field string, t *timestamppb.Timestamp) (time.Time, error) {
	if t == nil {
		return time.Time{}, nil
	}
	if t.CheckValid() != nil || t.AsTime().Before(minValidity) || t.AsTime().After(maxValidity) {
		return time.Time{}, apperr.InvalidArgf("coupon.%s must be a time between 1970 and 9999", field)
	}
	return t.AsTime(), nil
}

// DisableCoupon disables a coupon.
func (h *Handler) DisableCoupon(ctx context.Context, req *checkout.DisableCouponRequest) (*checkout.DisableCouponResponse, error) {
	out, err := h.svc.DisableCoupon(ctx, req.GetCode())
	if err != nil {
		return nil, err
	}
	return &checkout.DisableCouponResponse{Coupon: couponProto(out)}, nil
}

// ListCoupons lists coupons.
func (h *Handler) ListCoupons(ctx context.Context, req *checkout.ListCouponsRequest) (*checkout.ListCouponsResponse, error) {
	list, err := h.svc.Coupons(ctx, req.GetIncludeDisabled())
	if err != nil {
		return nil, err
	}
	resp := &checkout.ListCouponsResponse{}
	for _, c := range list {
		resp.Coupons = append(resp.Coupons, couponProto(c))
	}
	return resp, nil
}

// outcome names a checkout's answer for the metrics.
func outcome(draft bool, err error) string {
	switch {
	case err == nil && draft:
		return "draft"
	case err == nil:
		return "placed"
	}
	switch apperr.KindOf(err) {
	case apperr.InvalidArgument, apperr.NotFound, apperr.FailedPrecondition, apperr.PermissionDenied, apperr.Unauthenticated:
		return "refused"
	}
	return "error"
}
