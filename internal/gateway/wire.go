package gateway

// The wire format of the gateway's HTTP API, shared by HTTPClient and the
// sandbox: JSON bodies, bearer API keys, and these headers and envelopes.

// IdempotencyKeyHeader carries the idempotency key of a POST.
const IdempotencyKeyHeader = "Idempotency-Key"

// IdempotentReplayedHeader is set to "true" on an answer to a repeated
// request, one whose Idempotency-Key the gateway had already seen.
const IdempotentReplayedHeader = "Idempotent-Replayed"

// ChargeList is the answer of a charge search (GET
// /v1/charges?metadata[key]=value).
type ChargeList struct {
	Data []Charge `json:"data"`
}

// EventList is the answer of GET /v1/events.
type EventList struct {
	Data []Event `json:"data"`
}

// ErrorBody is the JSON body of an error answer: {"error": {...}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error inside an ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
