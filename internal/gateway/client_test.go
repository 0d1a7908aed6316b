package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
)

func TestHTTPClientSendsKeysAndDecodes(t *testing.T) {
	var got struct {
		auth, idem, method, path string
		body                     gateway.CreateChargeParams
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.auth, got.idem = r.Header.Get("Authorization"), r.Header.Get(gateway.IdempotencyKeyHeader)
		got.method, got.path = r.Method, r.URL.Path
		_ = json.NewDecoder(r.Body).Decode(&got.body)
		_ = json.NewEncoder(w).Encode(gateway.Charge{ID: "ch_1", Amount: 100, Currency: "USD", Status: gateway.ChargeProcessing})
	}))
	defer srv.Close()
	c := gateway.NewHTTPClient(srv.URL+"/", "sk_test_1", srv.Client())
	ch, err := c.CreateCharge(context.Background(), gateway.CreateChargeParams{
		Amount: 100, Currency: "USD", PaymentMethod: "pm_1", IdempotencyKey: "order-1"})
	if err != nil {
		t.Fatalf("CreateCharge: %v", err)
	}
	if ch.ID != "ch_1" || ch.Status != gateway.ChargeProcessing {
		t.Errorf("charge = %+v", ch)
	}
	want := [4]string{"Bearer sk_test_1", "order-1", http.MethodPost, "/v1/charges"}
	if g := [4]string{got.auth, got.idem, got.method, got.path}; g != want {
		t.Errorf("request (-want +got):\n- %q\n+ %q", want, g)
	}
	if got.body.Amount != 100 || got.body.PaymentMethod != "pm_1" {
		t.Errorf("body = %+v", got.body)
	}
}

func TestHTTPClientErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		want      gateway.Error
		retryable bool
	}{
		{"gateway error", 409, `{"error":{"code":"idempotency_conflict","message":"reused"}}`,
			gateway.Error{HTTPStatus: 409, Code: "idempotency_conflict", Message: "reused"}, false},
		{"not found", 404, `{"error":{"code":"not_found","message":"no such charge"}}`,
			gateway.Error{HTTPStatus: 404, Code: "not_found", Message: "no such charge"}, false},
		{"proxy error page", 502, `<html>bad gateway</html>`,
			gateway.Error{HTTPStatus: 502, Code: "http_502", Message: "Bad Gateway"}, true},
		{"rate limited", 429, ``,
			gateway.Error{HTTPStatus: 429, Code: "http_429", Message: "Too Many Requests"}, true},
		{"garbled success", 200, `{"id":`,
			gateway.Error{HTTPStatus: 0, Code: gateway.CodeInvalidResponse}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			_, err := gateway.NewHTTPClient(srv.URL, "k", nil).GetCharge(context.Background(), "ch_1")
			var ge *gateway.Error
			if !errors.As(err, &ge) {
				t.Fatalf("error = %v, want a *gateway.Error", err)
			}
			if tt.want.Message == "" {
				ge.Message = ""
			}
			if *ge != tt.want {
				t.Errorf("error (-want +got):\n- %+v\n+ %+v", tt.want, *ge)
			}
			if gateway.Retryable(err) != tt.retryable {
				t.Errorf("Retryable = %v, want %v", !tt.retryable, tt.retryable)
			}
		})
	}
}

func TestHTTPClientTransportFailures(t *testing.T) {
	// Nothing listens on a port that was just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = gateway.NewHTTPClient("http://"+addr, "k", nil).GetRefund(context.Background(), "re_1")
	wantTransportError(t, err)

	// The context's deadline bounds a call.
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = gateway.NewHTTPClient(srv.URL, "k", nil).GetCharge(ctx, "ch_1")
	wantTransportError(t, err)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("call took %s despite a 20ms deadline", d)
	}
}

func wantTransportError(t *testing.T, err error) {
	t.Helper()
	var ge *gateway.Error
	if !errors.As(err, &ge) || ge.HTTPStatus != 0 || ge.Code != gateway.CodeNetworkError {
		t.Fatalf("error = %#v, want a *gateway.Error with status 0 and code network_error", err)
	}
	if !gateway.Retryable(err) {
		t.Errorf("a transport failure is not retryable")
	}
}
