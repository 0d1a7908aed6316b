package gateway

// Error codes answered by the gateway in Error.Code. Client-side failures
// use CodeNetworkError and CodeInvalidResponse with HTTPStatus 0, so that
// Retryable treats them as transient.
const (
	// CodeInvalidRequest: a malformed body or parameter (400).
	CodeInvalidRequest = "invalid_request"
	// CodeUnauthorized: a missing or wrong API key (401).
	CodeUnauthorized = "unauthorized"
	// CodeNotFound: no such payment method, charge, refund or event (404).
	CodeNotFound = "not_found"
	// CodeIdempotencyKeyMissing: a request that needs an Idempotency-Key
	// came without one (400).
	CodeIdempotencyKeyMissing = "idempotency_key_missing"
	// CodeIdempotencyConflict: an Idempotency-Key was reused for a
	// different request (409).
	CodeIdempotencyConflict = "idempotency_conflict"

	// CodeInvalidNumber: the card number fails the Luhn check, has the
	// wrong length or an unsupported brand (400).
	CodeInvalidNumber = "invalid_number"
	// CodeInvalidExpiryMonth: the expiry month is not 1 to 12 (400).
	CodeInvalidExpiryMonth = "invalid_expiry_month"
	// CodeInvalidExpiryYear: the expiry year is not a plausible year (400).
	CodeInvalidExpiryYear = "invalid_expiry_year"
	// CodeExpiredCard: the card expired before the current month (400).
	CodeExpiredCard = "expired_card"
	// CodeInvalidCVC: the CVC is not 3 or 4 digits (400).
	CodeInvalidCVC = "invalid_cvc"

	// CodeChargeNotRefundable: a refund of a charge that has not
	// succeeded (400).
	CodeChargeNotRefundable = "charge_not_refundable"
	// CodeRefundExceedsCharge: a refund larger than what is left of the
	// charge once its earlier refunds, pending or succeeded, are counted
	// (400).
	CodeRefundExceedsCharge = "refund_exceeds_charge"
	// CodeWebhooksDisabled: an event resend on a gateway that has no
	// webhook URL (400).
	CodeWebhooksDisabled = "webhooks_disabled"

	// CodeNetworkError: no response came (HTTPStatus 0).
	CodeNetworkError = "network_error"
	// CodeInvalidResponse: a response that could not be read or decoded
	// (HTTPStatus 0: the request may be retried with its idempotency key).
	CodeInvalidResponse = "invalid_response"
)

// Failure codes of a failed charge, in Charge.FailureCode.
const (
	// FailureCardDeclined: the issuer declined the charge.
	FailureCardDeclined = "card_declined"
	// FailureInsufficientFunds: the card has not enough funds.
	FailureInsufficientFunds = "insufficient_funds"
)
