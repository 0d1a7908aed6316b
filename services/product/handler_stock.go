package product

import (
	"context"

	pb "github.com/tempomall/tempomall/idl/kitex_gen/product"
)

// GetStock returns stock levels.
func (h *Handler) GetStock(ctx context.Context, req *pb.GetStockRequest) (*pb.GetStockResponse, error) {
	levels, missing, err := h.svc.GetStock(ctx, req.GetProductIds())
	if err != nil {
		return nil, err
	}
	out := make([]*pb.StockLevel, len(levels))
	for i, l := range levels {
		out[i] = levelProto(l)
	}
	return &pb.GetStockResponse{Levels: out, MissingIds: missing}, nil
}

// ReserveStock holds stock for an order.
func (h *Handler) ReserveStock(ctx context.Context, req *pb.ReserveStockRequest) (*pb.ReserveStockResponse, error) {
	items := make([]StockItem, len(req.GetItems()))
	for i, it := range req.GetItems() {
		items[i] = StockItem{ProductID: it.GetProductId(), Quantity: it.GetQuantity()}
	}
	r, err := h.svc.ReserveStock(ctx, req.GetOrderId(), items)
	if err != nil {
		return nil, err
	}
	return &pb.ReserveStockResponse{Reservation: reservationProto(r)}, nil
}

// GetReservation returns an order's reservation.
func (h *Handler) GetReservation(ctx context.Context, req *pb.GetReservationRequest) (*pb.GetReservationResponse, error) {
	r, err := h.svc.GetReservation(ctx, req.GetOrderId())
	if err != nil {
		return nil, err
	}
	return &pb.GetReservationResponse{Reservation: reservationProto(r)}, nil
}

// ReleaseStock gives a reservation's units back.
func (h *Handler) ReleaseStock(ctx context.Context, req *pb.ReleaseStockRequest) (*pb.ReleaseStockResponse, error) {
	r, err := h.svc.ReleaseStock(ctx, req.GetOrderId())
	if err != nil {
		return nil, err
	}
	return &pb.ReleaseStockResponse{Reservation: reservationProto(r)}, nil
}

// CommitStock turns a reservation into a sale.
func (h *Handler) CommitStock(ctx context.Context, req *pb.CommitStockRequest) (*pb.CommitStockResponse, error) {
	r, err := h.svc.CommitStock(ctx, req.GetOrderId())
	if err != nil {
		return nil, err
	}
	return &pb.CommitStockResponse{Reservation: reservationProto(r)}, nil
}

// ReturnStock puts a sale's units back on hand.
func (h *Handler) ReturnStock(ctx context.Context, req *pb.ReturnStockRequest) (*pb.ReturnStockResponse, error) {
	r, err := h.svc.ReturnStock(ctx, req.GetOrderId())
	if err != nil {
		return nil, err
	}
	return &pb.ReturnStockResponse{Reservation: reservationProto(r)}, nil
}

// AdjustStock changes the units on hand.
func (h *Handler) AdjustStock(ctx context.Context, req *pb.AdjustStockRequest) (*pb.AdjustStockResponse, error) {
	l, err := h.svc.AdjustStock(ctx, req.GetProductId(), req.GetDelta(), req.GetReason(), req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	return &pb.AdjustStockResponse{Level: levelProto(l)}, nil
}
