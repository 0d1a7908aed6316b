package auth

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
)

// Handler is the Kitex transport of the auth service: it decodes requests,
// calls the Service and encodes results. Errors are mapped to status codes
// by the shared server middleware.
type Handler struct {
	svc *Service
}

var _ auth.AuthService = (*Handler)(nil)

// NewHandler returns the transport over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

func tokensProto(p TokenPair) *user.Tokens {
	return &user.Tokens{
		AccessToken:      p.AccessToken,
		AccessExpiresAt:  timestamppb.New(p.AccessExpires),
		RefreshToken:     p.RefreshToken,
		RefreshExpiresAt: timestamppb.New(p.RefreshExpires),
		TokenType:        "Bearer",
	}
}

func claimsProto(c *authn.Claims) *auth.Claims {
	return &auth.Claims{
		UserId:    c.UserID,
		Service:   c.Service,
		Roles:     c.Roles,
		SessionId: c.SessionID,
		TokenId:   c.ID,
		ExpiresAt: timestamppb.New(c.ExpiresAt.Time),
		TokenUse:  c.Use,
	}
}

// IssueTokens starts a session for an account.
func (h *Handler) IssueTokens(ctx context.Context, req *auth.IssueTokensRequest) (*auth.IssueTokensResponse, error) {
	p, err := h.svc.IssueTokens(ctx, req.GetUserId())
	if err != nil {
		return nil, err
	}
	return &auth.IssueTokensResponse{Tokens: tokensProto(p), Claims: claimsProto(&p.Access)}, nil
}

// IssueServiceToken exchanges client credentials for a service token.
func (h *Handler) IssueServiceToken(ctx context.Context, req *auth.IssueServiceTokenRequest) (*auth.IssueServiceTokenResponse, error) {
	tok, exp, err := h.svc.IssueServiceToken(ctx, req.GetClientId(), req.GetClientSecret())
	if err != nil {
		return nil, err
	}
	return &auth.IssueServiceTokenResponse{AccessToken: tok, ExpiresAt: timestamppb.New(exp)}, nil
}

// VerifyToken returns a valid token's claims.
func (h *Handler) VerifyToken(ctx context.Context, req *auth.VerifyTokenRequest) (*auth.VerifyTokenResponse, error) {
	c, err := h.svc.Verify(ctx, req.GetToken())
	if err != nil {
		return nil, err
	}
	return &auth.VerifyTokenResponse{Claims: claimsProto(c)}, nil
}

// RefreshToken rotates a session.
func (h *Handler) RefreshToken(ctx context.Context, req *auth.RefreshTokenRequest) (*auth.RefreshTokenResponse, error) {
	p, err := h.svc.Refresh(ctx, req.GetRefreshToken())
	if err != nil {
		return nil, err
	}
	return &auth.RefreshTokenResponse{Tokens: tokensProto(p)}, nil
}

// RevokeToken revokes a token or its session.
func (h *Handler) RevokeToken(ctx context.Context, req *auth.RevokeTokenRequest) (*auth.RevokeTokenResponse, error) {
	caller, err := authn.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.Revoke(ctx, caller, req.GetToken(), req.GetWholeSession()); err != nil {
		return nil, err
	}
	return &auth.RevokeTokenResponse{}, nil
}

// RevokeUserSessions ends an account's sessions.
func (h *Handler) RevokeUserSessions(ctx context.Context, req *auth.RevokeUserSessionsRequest) (*auth.RevokeUserSessionsResponse, error) {
	n, err := h.svc.RevokeUserSessions(ctx, req.GetUserId(), req.GetExceptSessionId())
	if err != nil {
		return nil, err
	}
	return &auth.RevokeUserSessionsResponse{Revoked: int32(n)}, nil
}

// ListRevocations returns revocation log entries after a cursor.
func (h *Handler) ListRevocations(ctx context.Context, req *auth.ListRevocationsRequest) (*auth.ListRevocationsResponse, error) {
	entries, err := h.svc.ListRevocations(ctx, req.GetAfterSeq(), int(req.GetLimit()))
	if err != nil {
		return nil, err
	}
	resp := &auth.ListRevocationsResponse{Revocations: make([]*auth.Revocation, len(entries))}
	for i, e := range entries {
		resp.Revocations[i] = &auth.Revocation{Kind: e.Kind, Id: e.ID, Until: timestamppb.New(e.Until), Seq: e.Seq}
	}
	return resp, nil
}

// GetSigningKeys returns the public keys.
func (h *Handler) GetSigningKeys(ctx context.Context, _ *auth.GetSigningKeysRequest) (*auth.GetSigningKeysResponse, error) {
	keys := h.svc.SigningKeys(ctx)
	resp := &auth.GetSigningKeysResponse{Keys: make([]*auth.SigningKey, len(keys))}
	for i, k := range keys {
		resp.Keys[i] = &auth.SigningKey{
			KeyId: k.KeyID, Algorithm: "EdDSA", PublicKey: k.PublicKey,
			Active: k.Active, CreatedAt: timestamppb.New(k.CreatedAt),
		}
	}
	return resp, nil
}

// CheckPermission reports whether a role or account may call a method.
func (h *Handler) CheckPermission(ctx context.Context, req *auth.CheckPermissionRequest) (*auth.CheckPermissionResponse, error) {
	ok, err := h.svc.CheckPermission(ctx, req.GetRole(), req.GetUserId(), req.GetService(), req.GetMethod())
	if err != nil {
		return nil, err
	}
	return &auth.CheckPermissionResponse{Allowed: ok}, nil
}

// AssignRole grants a role.
func (h *Handler) AssignRole(ctx context.Context, req *auth.AssignRoleRequest) (*auth.AssignRoleResponse, error) {
	if err := h.svc.AssignRole(ctx, req.GetUserId(), req.GetRole()); err != nil {
		return nil, err
	}
	return &auth.AssignRoleResponse{}, nil
}

// RevokeRole withdraws a role.
func (h *Handler) RevokeRole(ctx context.Context, req *auth.RevokeRoleRequest) (*auth.RevokeRoleResponse, error) {
	if err := h.svc.RevokeRole(ctx, req.GetUserId(), req.GetRole()); err != nil {
		return nil, err
	}
	return &auth.RevokeRoleResponse{}, nil
}

func policyArgs(p *auth.Policy) (string, string, string, error) {
	if p == nil {
		return "", "", "", apperr.InvalidArgf("policy is required")
	}
	return p.GetRole(), p.GetService(), p.GetMethod(), nil
}

// AddPolicy adds a permission.
func (h *Handler) AddPolicy(ctx context.Context, req *auth.AddPolicyRequest) (*auth.AddPolicyResponse, error) {
	role, svc, method, err := policyArgs(req.GetPolicy())
	if err != nil {
		return nil, err
	}
	if err := h.svc.AddPolicy(ctx, role, svc, method); err != nil {
		return nil, err
	}
	return &auth.AddPolicyResponse{}, nil
}

// RemovePolicy withdraws a permission.
func (h *Handler) RemovePolicy(ctx context.Context, req *auth.RemovePolicyRequest) (*auth.RemovePolicyResponse, error) {
	role, svc, method, err := policyArgs(req.GetPolicy())
	if err != nil {
		return nil, err
	}
	if err := h.svc.RemovePolicy(ctx, role, svc, method); err != nil {
		return nil, err
	}
	return &auth.RemovePolicyResponse{}, nil
}

// ListPolicies lists permissions, inheritance and assignments.
func (h *Handler) ListPolicies(ctx context.Context, req *auth.ListPoliciesRequest) (*auth.ListPoliciesResponse, error) {
	snap, assigned, err := h.svc.ListPolicies(ctx, req.GetRole(), req.GetIncludeAssignments(), req.GetUserId())
	if err != nil {
		return nil, err
	}
	resp := &auth.ListPoliciesResponse{}
	for _, p := range snap.Policies {
		resp.Policies = append(resp.Policies, &auth.Policy{Role: p[0], Service: p[1], Method: p[2]})
	}
	for _, g := range snap.Inheritance {
		resp.Inheritance = append(resp.Inheritance, &auth.RoleInheritance{Role: g[0], Inherits: g[1]})
	}
	for _, a := range assigned {
		resp.Assignments = append(resp.Assignments, &auth.RoleAssignment{UserId: a.UserID, Role: a.Role})
	}
	return resp, nil
}
