package sandbox

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/gateway"
)

// maxBodyBytes bounds a request body.
const maxBodyBytes = 64 << 10

// maxIdempotencyKeyLen bounds an Idempotency-Key.
const maxIdempotencyKeyLen = 255

// requireAPIKey answers 401 to /v1 requests without the bearer API key.
func requireAPIKey(apiKey string, next http.Handler) http.Handler {
	want := []byte("Bearer " + apiKey)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			got := []byte(r.Header.Get("Authorization"))
			if subtle.ConstantTimeCompare(got, want) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="tempomall-sandbox"`)
				writeError(r.Context(), w, errUnauthorized)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// decodeBody decodes a JSON request body into v, refusing unknown fields,
// trailing data and oversized bodies. Its errors never quote the body.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errInvalid("a JSON body is required")
		}
		return errInvalid("invalid JSON body: %v", err)
	}
	if dec.More() {
		return errInvalid("invalid JSON body: data after the object")
	}
	return nil
}

// idempotencyKey returns the request's Idempotency-Key; required says
// whether an empty one is an error.
func idempotencyKey(r *http.Request, required bool) (string, error) {
	key := strings.TrimSpace(r.Header.Get(gateway.IdempotencyKeyHeader))
	switch {
	case key == "" && required:
		return "", errIdempotencyKeyMissing
	case len(key) > maxIdempotencyKeyLen:
		return "", errInvalid("the Idempotency-Key is longer than %d characters", maxIdempotencyKeyLen)
	}
	return key, nil
}

// writeJSON answers v with status.
func writeJSON(ctx context.Context, w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		klog.CtxErrorf(ctx, "sandbox: encode answer: %v", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"encode answer"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers err: an *apiError as itself, anything else as a 500
// that is logged (never with request data).
func writeError(ctx context.Context, w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		klog.CtxErrorf(ctx, "sandbox: %v", err)
		ae = &apiError{http.StatusInternalServerError, "internal", fmt.Sprintf("internal error: %v", err)}
	}
	writeJSON(ctx, w, ae.status, gateway.ErrorBody{Error: gateway.ErrorDetail{Code: ae.code, Message: ae.message}})
}
