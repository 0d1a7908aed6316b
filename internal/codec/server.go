package codec

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"go.temporal.io/sdk/converter"

	"github.com/tempomall/tempomall/internal/apperr"
)

// DefaultMaxBodyBytes is the request body limit of the codec server when
// HandlerOptions.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 4 << 20

// Authorizer decides whether a codec server request may proceed; it runs
// after CORS and before the body is read. It returns nil to admit the
// request. An error of kind apperr.Unauthenticated (no or bad credentials)
// answers 401 and its message is shown; one of kind apperr.PermissionDenied
// answers 403 and its message is shown; any other error answers 403 with a
// generic message (its text may be internal).
//
// The Web UI sends "Authorization: Bearer <the UI user's access token>"
// when its codec setting "Pass the user access token" is on (the endpoint
// must then be https); the CLI sends the value of --codec-auth as the
// Authorization header. BearerToken extracts the token.
type Authorizer func(r *http.Request) error

// AllowAll admits every request. Use it only for a codec server bound to a
// loopback address on a developer's machine.
func AllowAll(*http.Request) error { return nil }

// BearerToken returns the token of an "Authorization: Bearer <token>"
// header.
func BearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// HandlerOptions configure the codec server.
type HandlerOptions struct {
	// Prefix is the path under which the server answers POST Prefix+"/encode"
	// and POST Prefix+"/decode", such as "/codec"; empty means the root. The
	// codec endpoint operators configure is the server's URL plus Prefix.
	Prefix string
	// AllowedOrigins are the origins (scheme://host[:port]) of Temporal Web
	// UIs that may call the server from a browser, such as
	// "http://localhost:8233". Requests carrying another Origin are refused.
	// Requests without an Origin header (the CLI, other programs) are not
	// subject to it.
	AllowedOrigins []string
	// Authorize admits requests; it is required (use AllowAll explicitly
	// for a loopback-only development server).
	Authorize Authorizer
	// Namespace, when set, is the only namespace served: requests whose
	// X-Namespace header (which the Web UI and CLI send) differs are refused.
	// A missing or empty X-Namespace means "default", as it does for the
	// temporal CLI, which sends it empty unless given --namespace.
	Namespace string
	// MaxBodyBytes bounds a request body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// corsAllowHeaders are the request headers the Web UI may send: it sends
// Content-Type and X-Namespace always and Authorization when it passes the
// user's access token.
const corsAllowHeaders = "Content-Type, X-Namespace, Authorization"

// handler is the codec server; see NewHandler.
type handler struct {
	codec     http.Handler
	encode    string
	decode    string
	origins   map[string]bool
	authorize Authorizer
	namespace string
	maxBody   int64
}

// NewHandler returns the codec server: an http.Handler implementing
// Temporal's remote codec protocol (POST {Prefix}/encode and
// {Prefix}/decode, each taking and returning a JSON body
// {"payloads":[...]} of protobuf-JSON payloads), run by the SDK's
// converter.NewPayloadCodecHTTPHandler over codec, behind these checks in
// order:
//
//  1. CORS: a request whose Origin is one of opts.AllowedOrigins gets
//     Access-Control-Allow-Origin (that origin) and
//     Access-Control-Allow-Credentials: true; its preflight (OPTIONS) is
//     answered 204 with the allowed method (POST) and headers
//     (Content-Type, X-Namespace, Authorization). A request or preflight
//     from any other origin gets 403 and no CORS headers.
//  2. Routing: unknown paths get 404; methods other than POST get 405.
//  3. opts.Authorize: 401 or 403.
//  4. Namespace: with opts.Namespace set, an X-Namespace header naming
//     another namespace gets 403 (a missing one names "default").
//  5. Content-Type must be application/json (415); the body is limited to
//     opts.MaxBodyBytes (413).
//
// Refusals carry a JSON body {"error": "..."}. Successful answers carry
// Cache-Control: no-store, as decoded payloads hold personal data. Serve
// the handler over HTTPS except on loopback.
func NewHandler(codec converter.PayloadCodec, opts HandlerOptions) (http.Handler, error) {
	if codec == nil {
		return nil, errors.New("codec server: no codec")
	}
	if opts.Authorize == nil {
		return nil, errors.New("codec server: no Authorize: every request must be authorized (AllowAll is for loopback development only)")
	}
	prefix := opts.Prefix
	if prefix != "" && (!strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/")) {
		return nil, fmt.Errorf("codec server: prefix %q must start with / and not end with /", prefix)
	}
	if opts.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("codec server: negative MaxBodyBytes %d", opts.MaxBodyBytes)
	}
	h := &handler{
		codec:     converter.NewPayloadCodecHTTPHandler(codec),
		encode:    prefix + "/encode",
		decode:    prefix + "/decode",
		origins:   map[string]bool{},
		authorize: opts.Authorize,
		namespace: opts.Namespace,
		maxBody:   opts.MaxBodyBytes,
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	for _, o := range opts.AllowedOrigins {
		norm, err := normalizeOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("codec server: allowed origin %q: %w", o, err)
		}
		h.origins[norm] = true
	}
	return h, nil
}

// normalizeOrigin checks that o is a serialized origin, scheme://host[:port],
// and lower-cases it.
func normalizeOrigin(o string) (string, error) {
	u, err := url.Parse(o)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("want http:// or https://")
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("want scheme://host[:port] only (no path, no wildcard)")
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" {
		if !h.origins[strings.ToLower(origin)] {
			writeError(w, http.StatusForbidden, "origin not allowed")
			return
		}
		hdr.Set("Access-Control-Allow-Origin", origin)
		hdr.Set("Access-Control-Allow-Credentials", "true")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			hdr.Add("Vary", "Access-Control-Request-Method")
			hdr.Add("Vary", "Access-Control-Request-Headers")
			hdr.Set("Access-Control-Allow-Methods", http.MethodPost)
			hdr.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			hdr.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if r.URL.Path != h.encode && r.URL.Path != h.decode {
		writeError(w, http.StatusNotFound, "not found: POST "+h.encode+" or "+h.decode)
		return
	}
	if r.Method != http.MethodPost {
		hdr.Set("Allow", "POST, OPTIONS")
		writeError(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if err := h.authorize(r); err != nil {
		status, msg := refusal(err)
		if status == http.StatusUnauthorized {
			hdr.Set("WWW-Authenticate", `Bearer realm="temporal-codec"`)
		}
		writeError(w, status, msg)
		return
	}
	if h.namespace != "" {
		// The temporal CLI sends an empty X-Namespace when it uses its
		// default namespace (no --namespace or TEMPORAL_NAMESPACE).
		ns := cmp.Or(r.Header.Get("X-Namespace"), "default")
		if ns != h.namespace {
			writeError(w, http.StatusForbidden, fmt.Sprintf("this codec server serves namespace %q, not %q (X-Namespace, which the temporal CLI sets from --namespace)", h.namespace, clip(ns)))
			return
		}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "send Content-Type: application/json")
		return
	}
	if r.ContentLength > h.maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "body over "+strconv.FormatInt(h.maxBody, 10)+" bytes")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.maxBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "cannot read the body")
		return
	}
	if int64(len(body)) > h.maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "body over "+strconv.FormatInt(h.maxBody, 10)+" bytes")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	h.codec.ServeHTTP(w, r)
}

// refusal maps an Authorizer's error to a status and a message for the
// caller.
func refusal(err error) (int, string) {
	var e *apperr.Error
	if errors.As(err, &e) {
		switch e.Kind {
		case apperr.Unauthenticated:
			return http.StatusUnauthorized, e.Msg
		case apperr.PermissionDenied:
			return http.StatusForbidden, e.Msg
		}
	}
	return http.StatusForbidden, "permission denied"
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{msg})
}
