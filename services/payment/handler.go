package payment

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/protoconv"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// Handler is the Kitex transport of the payment service.
type Handler struct {
	svc *Service
}

var _ payment.PaymentService = (*Handler)(nil)

// NewHandler returns the transport over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// Proto converts a payment snapshot to the contract.
func Proto(p commerce.Payment) *payment.Payment {
	return &payment.Payment{
		Id: p.ID, OrderId: p.OrderID, UserId: p.UserID, Amount: protoconv.Money(p.Amount),
		Status: protoconv.PaymentStatus(p.Status), Method: protoconv.Card(&p.Card),
		GatewayChargeId: p.ChargeID, FailureCode: p.FailureCode, FailureMessage: p.FailureMessage,
		Refunded: protoconv.Money(p.Refunded), Attempt: int32(p.Attempt),
		CreatedAt: protoconv.Time(p.CreatedAt), UpdatedAt: protoconv.Time(p.UpdatedAt),
		WorkflowId: orderwf.WorkflowID(p.OrderID),
	}
}

func refundProto(r commerce.Refund) *payment.Refund {
	return &payment.Refund{
		Id: r.ID, OrderId: r.OrderID, PaymentId: r.PaymentID, Amount: protoconv.Money(r.Amount),
		Status: protoconv.RefundStatus(r.Status), Reason: r.Reason,
		CreatedAt: protoconv.Time(r.CreatedAt), UpdatedAt: protoconv.Time(r.UpdatedAt),
	}
}

// CreatePaymentMethod tokenizes a card.
func (h *Handler) CreatePaymentMethod(ctx context.Context, req *payment.CreatePaymentMethodRequest) (*payment.CreatePaymentMethodResponse, error) {
	if req.GetCard() == nil {
		return nil, apperr.InvalidArgf("card is required")
	}
	owner, err := authn.ResolveUser(ctx, req.GetUserId())
	if err != nil {
		return nil, err
	}
	c, err := h.svc.Tokenize(ctx, owner, protoconv.FromCardInput(req.GetCard()))
	if err != nil {
		return nil, err
	}
	return &payment.CreatePaymentMethodResponse{Method: protoconv.Card(&c)}, nil
}

// GetPaymentMethod returns a tokenized card.
func (h *Handler) GetPaymentMethod(ctx context.Context, req *payment.GetPaymentMethodRequest) (*payment.GetPaymentMethodResponse, error) {
	owner, err := authn.ResolveUser(ctx, req.GetUserId())
	if err != nil {
		return nil, err
	}
	c, err := h.svc.Lookup(ctx, owner, req.GetToken())
	if err != nil {
		return nil, err
	}
	return &payment.GetPaymentMethodResponse{Method: protoconv.Card(&c)}, nil
}

// Charge pays an order.
func (h *Handler) Charge(ctx context.Context, req *payment.ChargeRequest) (*payment.ChargeResponse, error) {
	in := PaymentInput{Token: req.GetPaymentMethod().GetToken()}
	if c := req.GetPaymentMethod().GetCard(); c != nil {
		card := protoconv.FromCardInput(c)
		in.Card = &card
	}
	p, err := h.svc.Charge(ctx, req.GetOrderId(), in, req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	return &payment.ChargeResponse{Payment: Proto(p)}, nil
}

// GetPayment returns a payment.
func (h *Handler) GetPayment(ctx context.Context, req *payment.GetPaymentRequest) (*payment.GetPaymentResponse, error) {
	p, err := h.svc.Get(ctx, req.GetPaymentId(), req.GetOrderId())
	if err != nil {
		return nil, err
	}
	return &payment.GetPaymentResponse{Payment: Proto(p)}, nil
}

// Refund refunds a paid order.
func (h *Handler) Refund(ctx context.Context, req *payment.RefundRequest) (*payment.RefundResponse, error) {
	var amount *money.Money
	if req.GetAmount() != nil { // unset: what remains
		m := protoconv.FromMoney(req.GetAmount())
		amount = &m
	}
	r, p, err := h.svc.Refund(ctx, req.GetOrderId(), amount, req.GetReason(), req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	return &payment.RefundResponse{Refund: refundProto(r), Payment: Proto(p)}, nil
}

// ListPaymentLogs lists payment state changes.
func (h *Handler) ListPaymentLogs(ctx context.Context, req *payment.ListPaymentLogsRequest) (*payment.ListPaymentLogsResponse, error) {
	logs, err := h.svc.Logs(ctx, req.GetOrderId(), req.GetPaymentId())
	if err != nil {
		return nil, err
	}
	resp := &payment.ListPaymentLogsResponse{}
	for _, l := range logs {
		resp.Logs = append(resp.Logs, &payment.PaymentLog{
			Id: l.ID, PaymentId: l.PaymentID, OrderId: l.OrderID,
			FromStatus: protoconv.PaymentStatus(l.FromStatus), ToStatus: protoconv.PaymentStatus(l.ToStatus),
			Event: l.Event, Detail: l.Detail, CreatedAt: protoconv.Time(l.CreatedAt),
		})
	}
	return resp, nil
}
