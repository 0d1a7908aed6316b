package user

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/user/userservice"
)

// Register adds the user service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return userservice.RegisterService(svr, h) }
