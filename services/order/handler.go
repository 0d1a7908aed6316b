package order

import (
	"context"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/paging"
	"github.com/tempomall/tempomall/internal/protoconv"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// Handler is the Kitex transport of the order service.
type Handler struct {
	svc *Service
}

var _ order.OrderService = (*Handler)(nil)

// NewHandler returns the transport over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Proto converts an order snapshot to the contract.
func Proto(o commerce.Order) *order.Order {
	q := o.Quote
	out := &order.Order{
		Id: o.ID, UserId: o.UserID, Status: protoconv.OrderStatus(o.Status),
		Subtotal: protoconv.Money(q.Subtotal), Discount: protoconv.Money(q.Discount),
		Total: protoconv.Money(q.Payable), Refunded: protoconv.Money(o.Refunded),
		CatalogCurrency: q.CatalogCurrency, ExchangeRate: q.ExchangeRate, CouponCode: q.CouponCode,
		Address: protoconv.Address(o.Address), CheckoutId: o.CheckoutID, PaymentId: o.PaymentID,
		PaymentStatus: protoconv.PaymentStatus(o.PaymentStatus), StatusReason: o.StatusReason,
		CreatedAt: protoconv.Time(o.CreatedAt), UpdatedAt: protoconv.Time(o.UpdatedAt),
		ExpiresAt: protoconv.Time(o.ExpiresAt), PaidAt: protoconv.Time(o.PaidAt), Version: o.Version,
		WorkflowId: orderwf.WorkflowID(o.ID),
	}
	for _, l := range q.Lines {
		out.Items = append(out.Items, &order.OrderItem{
			ProductId: l.ProductID, Name: l.Name, PictureUrl: l.PictureURL, Quantity: l.Quantity,
			CatalogUnitPrice: protoconv.Money(l.CatalogUnitPrice), UnitPrice: protoconv.Money(l.UnitPrice),
			LineTotal: protoconv.Money(l.LineTotal),
		})
	}
	return out
}

// PlaceOrder places an order.
func (h *Handler) PlaceOrder(ctx context.Context, req *order.PlaceOrderRequest) (*order.PlaceOrderResponse, error) {
	in := commerce.OrderRequest{
		OrderID: req.GetOrderId(), UserID: req.GetUserId(), Address: protoconv.FromAddress(req.GetAddress()),
		Currency: strings.ToUpper(req.GetCurrency()), CouponCode: req.GetCouponCode(), CheckoutID: req.GetCheckoutId(),
	}
	for _, it := range req.GetItems() {
		in.Items = append(in.Items, commerce.Item{ProductID: it.GetProductId(), Quantity: it.GetQuantity()})
	}
	if t := req.GetPaymentMethodToken(); t != "" {
		in.Card = &commerce.Card{Token: t}
	}
	if req.GetExpectedTotal() != nil {
		m := protoconv.FromMoney(req.GetExpectedTotal())
		in.ExpectedTotal = &m
	}
	o, err := h.svc.Place(ctx, in)
	if err != nil {
		return nil, err
	}
	return &order.PlaceOrderResponse{Order: Proto(o)}, nil
}

// GetOrder returns an order.
func (h *Handler) GetOrder(ctx context.Context, req *order.GetOrderRequest) (*order.GetOrderResponse, error) {
	o, err := h.svc.Get(ctx, req.GetOrderId())
	if err != nil {
		return nil, err
	}
	return &order.GetOrderResponse{Order: Proto(o)}, nil
}

// ListOrders lists an account's orders.
func (h *Handler) ListOrders(ctx context.Context, req *order.ListOrdersRequest) (*order.ListOrdersResponse, error) {
	page, err := paging.Parse(req.GetPage().GetPageSize(), req.GetPage().GetPageToken())
	if err != nil {
		return nil, err
	}
	status := protoconv.FromOrderStatus(req.GetStatus())
	if status == "" && req.GetStatus() != order.OrderStatus_ORDER_STATUS_UNSPECIFIED {
		return nil, apperr.InvalidArgf("unknown order status %d", req.GetStatus())
	}
	orders, total, err := h.svc.List(ctx, req.GetUserId(), status, page.Offset, page.Size)
	if err != nil {
		return nil, err
	}
	resp := &order.ListOrdersResponse{Page: page.Response(len(orders), total)}
	for _, o := range orders {
		resp.Orders = append(resp.Orders, Proto(o))
	}
	return resp, nil
}

// UpdateOrderAddress changes an order's address.
func (h *Handler) UpdateOrderAddress(ctx context.Context, req *order.UpdateOrderAddressRequest) (*order.UpdateOrderAddressResponse, error) {
	if req.GetAddress() == nil {
		return nil, apperr.InvalidArgf("address is required")
	}
	o, err := h.svc.ChangeAddress(ctx, req.GetOrderId(), protoconv.FromAddress(req.GetAddress()))
	if err != nil {
		return nil, err
	}
	return &order.UpdateOrderAddressResponse{Order: Proto(o)}, nil
}

// CancelOrder cancels an unpaid order.
func (h *Handler) CancelOrder(ctx context.Context, req *order.CancelOrderRequest) (*order.CancelOrderResponse, error) {
	o, err := h.svc.Cancel(ctx, req.GetOrderId(), req.GetReason(), req.GetCancelPayment())
	if err != nil {
		return nil, err
	}
	return &order.CancelOrderResponse{Order: Proto(o)}, nil
}
