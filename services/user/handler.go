package user

import (
	"context"

	"github.com/cloudwego/kitex/pkg/rpcinfo"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/user"
)

// Handler is the Kitex transport of the user service.
type Handler struct {
	svc *Service
}

var _ user.UserService = (*Handler)(nil)

// NewHandler returns the transport over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

func userProto(a Account) *user.User {
	return &user.User{
		Id: a.ID, Email: a.Email, Username: a.Username, Roles: a.Roles,
		CreatedAt: timestamppb.New(a.CreatedAt), UpdatedAt: timestamppb.New(a.UpdatedAt),
	}
}

// Register creates an account.
func (h *Handler) Register(ctx context.Context, req *user.RegisterRequest) (*user.RegisterResponse, error) {
	a, err := h.svc.Register(ctx, req.GetEmail(), req.GetUsername(), req.GetPassword())
	if err != nil {
		return nil, err
	}
	return &user.RegisterResponse{User: userProto(a)}, nil
}

// Login starts a session.
func (h *Handler) Login(ctx context.Context, req *user.LoginRequest) (*user.LoginResponse, error) {
	a, s, err := h.svc.Login(ctx, req.GetLogin(), req.GetPassword(), clientAddress(ctx))
	if err != nil {
		return nil, err
	}
	return &user.LoginResponse{User: userProto(a), Tokens: &user.Tokens{
		AccessToken: s.AccessToken, AccessExpiresAt: timestamppb.New(s.AccessExpires),
		RefreshToken: s.RefreshToken, RefreshExpiresAt: timestamppb.New(s.RefreshExpires),
		TokenType: "Bearer",
	}}, nil
}

// Logout ends the caller's session.
func (h *Handler) Logout(ctx context.Context, _ *user.LogoutRequest) (*user.LogoutResponse, error) {
	if err := h.svc.Logout(ctx); err != nil {
		return nil, err
	}
	return &user.LogoutResponse{}, nil
}

// GetUser returns an account.
func (h *Handler) GetUser(ctx context.Context, req *user.GetUserRequest) (*user.GetUserResponse, error) {
	a, err := h.svc.Get(ctx, req.GetUserId())
	if err != nil {
		return nil, err
	}
	return &user.GetUserResponse{User: userProto(a)}, nil
}

// UpdateUser changes an account.
func (h *Handler) UpdateUser(ctx context.Context, req *user.UpdateUserRequest) (*user.UpdateUserResponse, error) {
	a, err := h.svc.Update(ctx, req.GetUserId(), Update{
		Username: req.Username, Email: req.Email, NewPassword: req.NewPassword, OldPassword: req.GetOldPassword(),
	})
	if err != nil {
		return nil, err
	}
	return &user.UpdateUserResponse{User: userProto(a)}, nil
}

// clientAddress returns the caller's IP address (without port).
func clientAddress(ctx context.Context) string {
	ri := rpcinfo.GetRPCInfo(ctx)
	if ri == nil || ri.From() == nil || ri.From().Address() == nil {
		return ""
	}
	addr := ri.From().Address().String()
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i]
		}
	}
	return addr
}
