package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

// errUsage reports a usage error whose message has been printed already;
// mallctl exits with status 2.
var errUsage = errors.New("usage error")

// hinted is a failure with advice on what to do next.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

// retryHint wraps a failed idempotent request: when the call timed out or
// the service was unreachable, the request may still have been carried
// out, and sending it again with the same key is safe.
func retryHint(err error, what, key string) error {
	if !apperr.Is(err, apperr.DeadlineExceeded) && !apperr.Is(err, apperr.Unavailable) {
		return err
	}
	return &hinted{err: err, hint: fmt.Sprintf("the %s may still go through: send it again with -key %s (a repeat with the same key is never carried out twice)", what, key)}
}

// describe returns what mallctl prints for a failed command: the context
// its own code added, then the failure kind and the service's message, as
// in "FailedPrecondition: order ord_x is PAID and cannot be cancelled",
// then any hint. A service that cannot be reached is named with its
// address.
func (c *cli) describe(err error) string {
	var h *hinted
	if errors.As(err, &h) {
		return c.describe(h.err) + "\n" + h.hint
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err.Error()
	}
	context := strings.TrimSuffix(err.Error(), ae.Error())
	if ae.Kind == apperr.Unavailable && ae.Cause != nil {
		if service, addr, ok := c.unreachable(ae.Cause); ok {
			return fmt.Sprintf("%scannot reach the %s service at %s: is `make dev` running?", context, service, addr)
		}
		return fmt.Sprintf("%sUnavailable: %s (is `make dev` running?)", context, ae.Msg)
	}
	return context + ae.Kind.String() + ": " + ae.Msg
}

// unreachable finds which service a transport error was about, from the
// address the error quotes.
func (c *cli) unreachable(cause error) (service, addr string, ok bool) {
	text := cause.Error()
	for _, s := range config.Services {
		if a := c.cfg.DialAddr(s); a != "" && strings.Contains(text, a) {
			return s, a, true
		}
	}
	return "", "", false
}
