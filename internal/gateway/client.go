package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxResponseBytes bounds how much of a response HTTPClient reads.
const maxResponseBytes = 1 << 20

// HTTPClient is a Client over the gateway's HTTP API (the sandbox's, or a
// provider speaking the same JSON). Every call's deadline comes from its
// context. It never logs: card data only travels in the body of
// CreatePaymentMethod, and no error it returns quotes a request body.
type HTTPClient struct {
	baseURL string
	apiKey  string
	hc      *http.Client
}

var _ Client = (*HTTPClient)(nil)

// NewHTTPClient returns a client of the gateway at baseURL
// ("http://127.0.0.1:8890") authenticating with apiKey. httpClient may be
// nil for a client of its own; timeouts come from each call's context.
func NewHTTPClient(baseURL, apiKey string, httpClient *http.Client) *HTTPClient {
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return &HTTPClient{baseURL: strings.TrimRight(baseURL, "/"), apiKey: apiKey, hc: httpClient}
}

// CreatePaymentMethod tokenizes a card.
func (c *HTTPClient) CreatePaymentMethod(ctx context.Context, card Card) (PaymentMethod, error) {
	var pm PaymentMethod
	err := c.do(ctx, http.MethodPost, "/v1/payment_methods", "", card, &pm)
	return pm, err
}

// CreateCharge starts a charge; it is answered processing and settles
// asynchronously. Repeats with the same IdempotencyKey answer the same
// charge.
func (c *HTTPClient) CreateCharge(ctx context.Context, p CreateChargeParams) (Charge, error) {
	var ch Charge
	err := c.do(ctx, http.MethodPost, "/v1/charges", p.IdempotencyKey, p, &ch)
	return ch, err
}

// GetPaymentMethod reads a tokenized card.
func (c *HTTPClient) GetPaymentMethod(ctx context.Context, id string) (PaymentMethod, error) {
	var pm PaymentMethod
	err := c.do(ctx, http.MethodGet, "/v1/payment_methods/"+url.PathEscape(id), "", nil, &pm)
	return pm, err
}

// GetCharge reads a charge.
func (c *HTTPClient) GetCharge(ctx context.Context, id string) (Charge, error) {
	var ch Charge
	err := c.do(ctx, http.MethodGet, "/v1/charges/"+url.PathEscape(id), "", nil, &ch)
	return ch, err
}

// SearchCharges returns the charges whose metadata holds key=value,
// oldest first.
func (c *HTTPClient) SearchCharges(ctx context.Context, key, value string) ([]Charge, error) {
	var list ChargeList
	q := url.Values{"metadata[" + key + "]": {value}}
	err := c.do(ctx, http.MethodGet, "/v1/charges?"+q.Encode(), "", nil, &list)
	return list.Data, err
}

// CancelCharge cancels a charge that is still processing; a settled charge
// is answered unchanged.
func (c *HTTPClient) CancelCharge(ctx context.Context, id, idempotencyKey string) (Charge, error) {
	var ch Charge
	err := c.do(ctx, http.MethodPost, "/v1/charges/"+url.PathEscape(id)+"/cancel", idempotencyKey, nil, &ch)
	return ch, err
}

// CreateRefund starts a refund of a succeeded charge; it is answered
// pending and settles asynchronously.
func (c *HTTPClient) CreateRefund(ctx context.Context, p CreateRefundParams) (Refund, error) {
	var r Refund
	err := c.do(ctx, http.MethodPost, "/v1/refunds", p.IdempotencyKey, p, &r)
	return r, err
}

// GetRefund reads a refund.
func (c *HTTPClient) GetRefund(ctx context.Context, id string) (Refund, error) {
	var r Refund
	err := c.do(ctx, http.MethodGet, "/v1/refunds/"+url.PathEscape(id), "", nil, &r)
	return r, err
}

// ListEvents lists the events of a charge (and of its refunds), oldest
// first; an empty chargeID lists the latest events of all charges. It is
// not part of Client: tests and operators use it.
func (c *HTTPClient) ListEvents(ctx context.Context, chargeID string) ([]Event, error) {
	path := "/v1/events"
	if chargeID != "" {
		path += "?" + url.Values{"charge": {chargeID}}.Encode()
	}
	var list EventList
	err := c.do(ctx, http.MethodGet, path, "", nil, &list)
	return list.Data, err
}

// ResendEvent delivers an event's webhook again, with the same event id.
// It is not part of Client: tests use it to check duplicate handling.
func (c *HTTPClient) ResendEvent(ctx context.Context, id string) (Event, error) {
	var ev Event
	err := c.do(ctx, http.MethodPost, "/v1/events/"+url.PathEscape(id)+"/resend", "", nil, &ev)
	return ev, err
}

// do sends one request and decodes a 2xx answer into out. Every failure is
// an *Error: answered ones with their status, the others with status 0.
func (c *HTTPClient) do(ctx context.Context, method, path, idempotencyKey string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("encode request: %v", err)}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, body)
	if err != nil {
		return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf("build request: %v", err)}
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idempotencyKey != "" {
		req.Header.Set(IdempotencyKeyHeader, idempotencyKey)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &Error{Code: CodeNetworkError, Message: fmt.Sprintf("%s %s: %v", method, path, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return &Error{Code: CodeNetworkError, Message: fmt.Sprintf("%s %s: read response: %v", method, path, err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeError(resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &Error{Code: CodeInvalidResponse, Message: fmt.Sprintf("%s %s: decode response: %v", method, path, err)}
	}
	return nil
}

// decodeError turns an error answer into an *Error, keeping the status
// even when the body is not the gateway's JSON (a proxy's error page).
func decodeError(status int, raw []byte) *Error {
	var eb ErrorBody
	if err := json.Unmarshal(raw, &eb); err == nil && eb.Error.Code != "" {
		return &Error{HTTPStatus: status, Code: eb.Error.Code, Message: eb.Error.Message}
	}
	return &Error{HTTPStatus: status, Code: "http_" + fmt.Sprint(status), Message: http.StatusText(status)}
}
