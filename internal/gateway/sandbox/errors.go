package sandbox

import (
	"fmt"
	"net/http"

	"github.com/tempomall/tempomall/internal/gateway"
)

// apiError is an error answered to the caller with its status and code.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%s (%d): %s", e.code, e.status, e.message) }

func errInvalid(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, gateway.CodeInvalidRequest, fmt.Sprintf(format, args...)}
}

func errInvalidCard(code, message string) error {
	return &apiError{http.StatusBadRequest, code, message}
}

func errNotFound(kind, id string) error {
	return &apiError{http.StatusNotFound, gateway.CodeNotFound, fmt.Sprintf("no such %s: %q", kind, id)}
}

var (
	errUnauthorized = &apiError{http.StatusUnauthorized, gateway.CodeUnauthorized,
		"missing or invalid API key: send Authorization: Bearer <key>"}
	errIdempotencyKeyMissing = &apiError{http.StatusBadRequest, gateway.CodeIdempotencyKeyMissing,
		"this request needs an Idempotency-Key header"}
	errIdempotencyConflict = &apiError{http.StatusConflict, gateway.CodeIdempotencyConflict,
		"this Idempotency-Key was already used for a different request"}
	errWebhooksDisabled = &apiError{http.StatusBadRequest, gateway.CodeWebhooksDisabled,
		"the sandbox has no webhook URL"}
)
