package user

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/user/userservice"
)

// PublicMethods need no token.
var PublicMethods = []string{"Register", "Login"}

// InternalMethods accept the service role only.
var InternalMethods []string

// Register adds the user service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return userservice.RegisterService(svr, h) }
