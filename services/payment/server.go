package payment

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/payment/paymentservice"
)

// Register adds the payment service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return paymentservice.RegisterService(svr, h) }
