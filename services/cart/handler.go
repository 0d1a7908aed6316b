package cart

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// Handler is the Kitex transport of the cart service.
type Handler struct {
	svc *Service
}

var _ cart.CartService = (*Handler)(nil)

// NewHandler returns the transport over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// AddItem adds units of a product to a cart.
func (h *Handler) AddItem(ctx context.Context, req *cart.AddItemRequest) (*cart.AddItemResponse, error) {
	c, err := h.svc.Add(ctx, req.GetUserId(), req.GetProductId(), req.GetQuantity(), req.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	return &cart.AddItemResponse{Cart: cartProto(c)}, nil
}

// GetCart returns a cart priced with the current catalog.
func (h *Handler) GetCart(ctx context.Context, req *cart.GetCartRequest) (*cart.GetCartResponse, error) {
	c, err := h.svc.Get(ctx, req.GetUserId())
	if err != nil {
		return nil, err
	}
	return &cart.GetCartResponse{Cart: cartProto(c)}, nil
}

// EmptyCart removes every item of a cart.
func (h *Handler) EmptyCart(ctx context.Context, req *cart.EmptyCartRequest) (*cart.EmptyCartResponse, error) {
	if err := h.svc.Empty(ctx, req.GetUserId()); err != nil {
		return nil, err
	}
	return &cart.EmptyCartResponse{}, nil
}

// UpdateItem sets the quantity of an item; 0 removes it.
func (h *Handler) UpdateItem(ctx context.Context, req *cart.UpdateItemRequest) (*cart.UpdateItemResponse, error) {
	c, err := h.svc.Update(ctx, req.GetUserId(), req.GetProductId(), req.GetQuantity())
	if err != nil {
		return nil, err
	}
	return &cart.UpdateItemResponse{Cart: cartProto(c)}, nil
}

// RemoveItem takes a product out of a cart.
func (h *Handler) RemoveItem(ctx context.Context, req *cart.RemoveItemRequest) (*cart.RemoveItemResponse, error) {
	c, err := h.svc.Remove(ctx, req.GetUserId(), req.GetProductId())
	if err != nil {
		return nil, err
	}
	return &cart.RemoveItemResponse{Cart: cartProto(c)}, nil
}

// RemoveOrderedItems takes the units an order bought out of the cart.
func (h *Handler) RemoveOrderedItems(ctx context.Context, req *cart.RemoveOrderedItemsRequest) (*cart.RemoveOrderedItemsResponse, error) {
	items := make([]OrderedItem, len(req.GetItems()))
	for i, it := range req.GetItems() {
		items[i] = OrderedItem{ProductID: it.GetProductId(), Quantity: it.GetQuantity()}
	}
	if err := h.svc.RemoveOrdered(ctx, req.GetUserId(), req.GetOrderId(), items); err != nil {
		return nil, err
	}
	return &cart.RemoveOrderedItemsResponse{}, nil
}

func cartProto(c Cart) *cart.Cart {
	out := &cart.Cart{UserId: c.UserID, TotalQuantity: c.TotalQuantity, Items: make([]*cart.CartItem, len(c.Items))}
	for i, it := range c.Items {
		out.Items[i] = &cart.CartItem{
			ProductId: it.ProductID, Quantity: it.Quantity, Name: it.Name, PictureUrl: it.PictureURL,
			UnitPrice: protoconv.Money(it.UnitPrice), LineTotal: protoconv.Money(it.LineTotal),
			Available: it.Available, UnavailableReason: it.UnavailableReason,
			AddedAt: protoconv.Time(it.AddedAt),
		}
	}
	for _, m := range c.Subtotals {
		out.Subtotals = append(out.Subtotals, protoconv.Money(m))
	}
	return out
}
