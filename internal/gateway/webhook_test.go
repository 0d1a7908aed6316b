package gateway_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
)

func TestVerifySignature(t *testing.T) {
	const secret = "whsec_test"
	body := []byte(`{"id":"evt_1","type":"charge.succeeded","charge":{"id":"ch_1"}}`)
	now := time.Unix(1_700_000_000, 0)
	tolerance := 5 * time.Minute
	good := gateway.Sign(secret, now, body)
	sigOf := func(h string) string { _, v, _ := strings.Cut(h, ",v1="); return v }

	tests := []struct {
		name   string
		secret string
		header string
		body   []byte
		want   error // nil: accepted
	}{
		{"good", secret, good, body, nil},
		{"good, signed a little earlier", secret, gateway.Sign(secret, now.Add(-4*time.Minute), body), body, nil},
		{"good, with a rotated-out signature first", secret,
			"t=" + strconv.FormatInt(now.Unix(), 10) + ",v1=" + strings.Repeat("ab", 32) + ",v1=" + sigOf(good), body, nil},
		{"good, with an unknown scheme", secret, good + ",v0=whatever", body, nil},
		{"tampered body", secret, good, []byte(strings.Replace(string(body), "ch_1", "ch_2", 1)), gateway.ErrBadSignature},
		{"wrong secret", "whsec_other", good, body, gateway.ErrBadSignature},
		{"tampered timestamp", secret, strings.Replace(good, "t=1700000000", "t=1700000001", 1), body, gateway.ErrBadSignature},
		{"stale timestamp", secret, gateway.Sign(secret, now.Add(-6*time.Minute), body), body, gateway.ErrStaleWebhook},
		{"future timestamp", secret, gateway.Sign(secret, now.Add(6*time.Minute), body), body, gateway.ErrStaleWebhook},
		{"missing header", secret, "", body, gateway.ErrMissingSignature},
		{"no timestamp", secret, "v1=" + sigOf(good), body, gateway.ErrMalformedSignature},
		{"no signature", secret, "t=1700000000", body, gateway.ErrMalformedSignature},
		{"timestamp not a number", secret, "t=yesterday,v1=" + sigOf(good), body, gateway.ErrMalformedSignature},
		{"signature not hex", secret, "t=1700000000,v1=zz", body, gateway.ErrMalformedSignature},
		{"not key=value", secret, "garbage", body, gateway.ErrMalformedSignature},
		{"two timestamps", secret, good + ",t=1700000000", body, gateway.ErrMalformedSignature},
		{"no secret configured", "", good, body, gateway.ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := gateway.VerifySignature(tt.secret, tt.header, tt.body, now, tolerance)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("VerifySignature = %v, want accepted", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifySignature = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignFormat(t *testing.T) {
	got := gateway.Sign("secret", time.Unix(1_700_000_000, 0), []byte("{}"))
	// HMAC-SHA256("secret", "1700000000.{}"), computed independently
	// (printf '1700000000.{}' | openssl dgst -sha256 -hmac secret).
	want := "t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerifySignatureDefaultTolerance(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	body := []byte("{}")
	if err := gateway.VerifySignature("s", gateway.Sign("s", now.Add(-4*time.Minute), body), body, now, 0); err != nil {
		t.Fatalf("4 minutes old with the default tolerance: %v", err)
	}
	err := gateway.VerifySignature("s", gateway.Sign("s", now.Add(-10*time.Minute), body), body, now, 0)
	if !errors.Is(err, gateway.ErrStaleWebhook) {
		t.Fatalf("10 minutes old with the default tolerance: %v, want ErrStaleWebhook", err)
	}
}

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr bool
		want    string // the event's type when accepted
	}{
		{"charge event", `{"id":"evt_1","type":"charge.succeeded","created":"2026-01-02T03:04:05Z","charge":{"id":"ch_1","amount":100,"currency":"USD","status":"succeeded"}}`, false, gateway.EventChargeSucceeded},
		{"refund event", `{"id":"evt_2","type":"refund.succeeded","refund":{"id":"re_1","charge":"ch_1","amount":50}}`, false, gateway.EventRefundSucceeded},
		{"unknown type is kept", `{"id":"evt_3","type":"charge.disputed","charge":{"id":"ch_1"}}`, false, "charge.disputed"},
		{"not JSON", `{"id":`, true, ""},
		{"no id", `{"type":"charge.succeeded","charge":{"id":"ch_1"}}`, true, ""},
		{"no type", `{"id":"evt_1","charge":{"id":"ch_1"}}`, true, ""},
		{"no object", `{"id":"evt_1","type":"charge.succeeded"}`, true, ""},
		{"both objects", `{"id":"evt_1","type":"charge.succeeded","charge":{"id":"ch_1"},"refund":{"id":"re_1"}}`, true, ""},
		{"object without id", `{"id":"evt_1","type":"charge.succeeded","charge":{}}`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := gateway.ParseEvent([]byte(tt.body))
			if tt.wantErr {
				if !errors.Is(err, gateway.ErrInvalidEvent) {
					t.Fatalf("ParseEvent = %+v, %v; want ErrInvalidEvent", ev, err)
				}
				return
			}
			if err != nil || ev.Type != tt.want {
				t.Fatalf("ParseEvent = %+v, %v; want a %s event", ev, err, tt.want)
			}
		})
	}
}
