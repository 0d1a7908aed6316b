package payment

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// OrderClient implements Orders with the order service's RPC, called with
// the payment service's own credential.
type OrderClient struct {
	Client orderservice.Client
}

// Order returns an order's owner and state.
func (c OrderClient) Order(ctx context.Context, id string) (OrderInfo, error) {
	resp, err := c.Client.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
	if err != nil {
		return OrderInfo{}, err
	}
	o := resp.GetOrder()
	return OrderInfo{
		ID: o.GetId(), UserID: o.GetUserId(),
		Status: protoconv.FromOrderStatus(o.GetStatus()),
	}, nil
}
