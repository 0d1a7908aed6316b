package app

import (
	"context"
	"net"
	"net/http"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/codec"
	"github.com/tempomall/tempomall/internal/config"
)

// CodecPath is where the codec server answers (config.CodecPath).
const CodecPath = config.CodecPath

// codecServer builds the codec server of Temporal's remote codec protocol,
// which decodes encrypted payloads for the Web UI and `temporal workflow
// show --codec-endpoint`. Callers present an admin's access token; on a
// loopback address (tempomall dev) every local caller may decode, since the
// dev server's Web UI has no login to take a token from.
func (b *builder) codecServer(ctx context.Context) error {
	keys, err := codec.ParseKeyring(b.cfg.Ops.CodecKeys)
	if err != nil {
		return err
	}
	ln, err := b.listen("codec", b.cfg.Ops.CodecListen)
	if err != nil {
		return err
	}
	authorize := codec.AllowAll
	if !loopback(ln.Addr()) {
		if b.guard == nil {
			if err := b.remoteGuard(ctx); err != nil {
				return err
			}
		}
		authorize = adminOnly(b.guard.Verifier)
	}
	h, err := codec.NewHandler(codec.NewCodec(keys), codec.HandlerOptions{
		Prefix: CodecPath, AllowedOrigins: b.cfg.Ops.CodecOrigins, Authorize: authorize,
		Namespace: b.cfg.TemporalNamespace,
	})
	if err != nil {
		return err
	}
	b.sys.run("codec server", func(ctx context.Context) error { return serveHTTP(ctx, ln, h) })
	return nil
}

// adminOnly admits requests that carry a valid access token of an admin.
func adminOnly(v *authn.Verifier) codec.Authorizer {
	return func(r *http.Request) error {
		token, ok := codec.BearerToken(r)
		if !ok {
			return apperr.New(apperr.Unauthenticated, "send an admin's access token: Authorization: Bearer <token>")
		}
		c, err := v.Verify(r.Context(), token, authn.UseAccess)
		if err != nil {
			return err
		}
		if !(authn.Principal{Roles: c.Roles}).IsAdmin() {
			return apperr.New(apperr.PermissionDenied, "only admins may decode workflow payloads")
		}
		return nil
	}
}

// loopback reports whether addr listens on a loopback interface only.
func loopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
