package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries a webhook's signature:
//
//	Tempomall-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//
// The timestamp is the time of the delivery attempt (not of the event), so
// a retried or resent event is signed afresh. A header may hold several v1
// entries (while a secret is rotated); one matching is enough.
const SignatureHeader = "Tempomall-Signature"

// DefaultWebhookTolerance is how far a webhook's timestamp may be from the
// receiver's clock when VerifySignature is given no tolerance.
const DefaultWebhookTolerance = 5 * time.Minute

// Why a webhook is refused. VerifySignature and ParseEvent wrap one of
// these, so a webhook endpoint can answer 400 and log the reason.
var (
	// ErrMissingSignature: the request has no signature header.
	ErrMissingSignature = errors.New("webhook signature header missing")
	// ErrMalformedSignature: the header is not "t=<unix>,v1=<hex>".
	ErrMalformedSignature = errors.New("webhook signature header malformed")
	// ErrBadSignature: no v1 signature matches the body and the secret.
	ErrBadSignature = errors.New("webhook signature does not match")
	// ErrStaleWebhook: the signed timestamp is further than the tolerance
	// from now, in the past (a replay) or in the future.
	ErrStaleWebhook = errors.New("webhook timestamp outside tolerance")
	// ErrInvalidEvent: the body is not a well-formed event.
	ErrInvalidEvent = errors.New("webhook event invalid")
)

// Sign returns the signature header value of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

// VerifySignature checks a webhook's signature header against its raw body:
// a v1 signature must match (compared in constant time) and its timestamp
// must be within tolerance of now, either way. A tolerance <= 0 means
// DefaultWebhookTolerance. The error wraps ErrMissingSignature,
// ErrMalformedSignature, ErrBadSignature or ErrStaleWebhook.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if secret == "" {
		return fmt.Errorf("%w: no webhook secret configured", ErrBadSignature)
	}
	if strings.TrimSpace(header) == "" {
		return ErrMissingSignature
	}
	ts, sigs, err := parseSignature(header)
	if err != nil {
		return err
	}
	want := mac(secret, ts, body)
	matched := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			matched = true
		}
	}
	if !matched {
		return ErrBadSignature
	}
	sec, _ := strconv.ParseInt(ts, 10, 64) // checked by parseSignature
	if tolerance <= 0 {
		tolerance = DefaultWebhookTolerance
	}
	age := now.Sub(time.Unix(sec, 0))
	switch {
	case age > tolerance:
		return fmt.Errorf("%w: signed %s ago (tolerance %s)", ErrStaleWebhook, age.Round(time.Second), tolerance)
	case -age > tolerance:
		return fmt.Errorf("%w: signed %s in the future (tolerance %s)", ErrStaleWebhook, (-age).Round(time.Second), tolerance)
	}
	return nil
}

// parseSignature splits "t=<unix>,v1=<hex>[,v1=<hex>...]" into the
// timestamp as sent and the decoded signatures. Unknown keys are ignored.
func parseSignature(header string) (ts string, sigs [][]byte, err error) {
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: %q is not key=value", ErrMalformedSignature, part)
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, fmt.Errorf("%w: two timestamps", ErrMalformedSignature)
			}
			if _, err := strconv.ParseInt(v, 10, 64); err != nil || v == "" || v[0] == '+' {
				return "", nil, fmt.Errorf("%w: timestamp %q is not unix seconds", ErrMalformedSignature, v)
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return "", nil, fmt.Errorf("%w: v1 is not a hex SHA-256 HMAC", ErrMalformedSignature)
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" {
		return "", nil, fmt.Errorf("%w: no timestamp", ErrMalformedSignature)
	}
	if len(sigs) == 0 {
		return "", nil, fmt.Errorf("%w: no v1 signature", ErrMalformedSignature)
	}
	return ts, sigs, nil
}

// mac is HMAC-SHA256(secret, "<ts>.<body>").
func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// ParseEvent decodes a webhook body (after VerifySignature accepted it).
// An event must have an id and a type and carry exactly one of a charge
// and a refund; unknown event types are returned, not refused, so that a
// receiver can acknowledge and ignore them. Errors wrap ErrInvalidEvent.
func ParseEvent(body []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return Event{}, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	switch {
	case ev.ID == "":
		return Event{}, fmt.Errorf("%w: no id", ErrInvalidEvent)
	case ev.Type == "":
		return Event{}, fmt.Errorf("%w: event %s has no type", ErrInvalidEvent, ev.ID)
	case (ev.Charge == nil) == (ev.Refund == nil):
		return Event{}, fmt.Errorf("%w: event %s must carry exactly one of charge and refund", ErrInvalidEvent, ev.ID)
	case ev.Charge != nil && ev.Charge.ID == "", ev.Refund != nil && ev.Refund.ID == "":
		return Event{}, fmt.Errorf("%w: event %s carries an object without id", ErrInvalidEvent, ev.ID)
	}
	return ev, nil
}
