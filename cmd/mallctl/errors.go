package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

// describe returns what mallctl prints for a failed command: the context
// its own code added, then the failure kind and the service's message, as
// in "FailedPrecondition: order ord_x is PAID and cannot be cancelled". A
// service that cannot be reached is named with its address.
func (c *cli) describe(err error) string {
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
