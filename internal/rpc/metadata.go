package rpc

import (
	"context"
	"strings"

	"github.com/bytedance/gopkg/cloud/metainfo"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/metadata"
)

// AuthorizationKey is the metadata key of the bearer token, in Kitex
// TTHeader metadata and in gRPC metadata alike.
const AuthorizationKey = "authorization"

// WithToken returns a context whose outgoing calls carry token as their
// bearer credential. It is the one way mallctl, services and the worker
// attach a token. The token goes one hop only: a service calling another
// service presents its own credential.
func WithToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, outgoingTokenKey{}, token)
}

type outgoingTokenKey struct{}

// outgoingToken returns the token set by WithToken. It is kept apart from
// Kitex metadata on purpose: inside a handler, metadata also shows the
// incoming call's token, which must not travel further.
func outgoingToken(ctx context.Context) string {
	t, _ := ctx.Value(outgoingTokenKey{}).(string)
	return t
}

// attachToken puts a bearer token in the outgoing call's metadata: Kitex
// metadata for TTHeader calls, gRPC metadata for gRPC calls.
func attachToken(ctx context.Context, token string) context.Context {
	ctx = metainfo.WithValue(ctx, AuthorizationKey, "Bearer "+token)
	return metadata.AppendToOutgoingContext(ctx, AuthorizationKey, "Bearer "+token)
}

// IncomingToken returns the bearer token of the call being served: from
// Kitex transient metadata (TTHeader) or from gRPC "authorization"
// metadata. It
// returns "" when the call carries none, and ok=false when the value is not
// a bearer credential.
func IncomingToken(ctx context.Context) (token string, ok bool) {
	// Only transient (one-hop) metadata counts: a persistent value would
	// have travelled from further upstream.
	raw, found := metainfo.GetValue(ctx, AuthorizationKey)
	if !found {
		if md, has := metadata.FromIncomingContext(ctx); has {
			if vs := md.Get(AuthorizationKey); len(vs) > 0 {
				raw, found = vs[0], true
			}
		}
	}
	if !found || raw == "" {
		return "", true
	}
	scheme, tok, cut := strings.Cut(strings.TrimSpace(raw), " ")
	if !cut || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}
