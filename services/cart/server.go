package cart

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
)

// PublicMethods need no token: none, every cart belongs to an account.
var PublicMethods []string

// InternalMethods accept the service role only.
var InternalMethods = []string{"RemoveOrderedItems"}

// Register adds the cart service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return cartservice.RegisterService(svr, h) }
