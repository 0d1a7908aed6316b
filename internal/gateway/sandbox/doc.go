// Package sandbox is tempomall's payment sandbox: a small HTTP server that
// behaves like a card payment provider, so that the payment workflow meets
// the same asynchronous, at-least-once world it would meet in production.
//
// Charges and refunds are answered processing/pending and settle after
// Options.SettleDelay; the outcome depends on the test card (see
// TestCards). Settled charges and refunds are announced by webhooks: the
// Event JSON POSTed to Options.WebhookURL, signed with
// gateway.SignatureHeader, retried with exponential backoff until the
// receiver answers 2xx, and kept in the store so that a restart resumes
// them. Delivery is at least once and unordered, as with real providers:
// a receiver must drop duplicates by event id (POST
// /v1/events/{id}/resend sends one on purpose) and must not assume that
// charge.succeeded arrives before refund.succeeded. Every POST that
// creates something is idempotent by its Idempotency-Key, backed by a
// unique key in the store: a repeat with the same parameters answers the
// object as it is now (with the header Idempotent-Replayed: true), one
// with other parameters 409 idempotency_conflict.
//
// The HTTP API (JSON; every /v1 route needs "Authorization: Bearer <API
// key>", else 401):
//
//	POST /v1/payment_methods         tokenize a gateway.Card -> gateway.PaymentMethod
//	POST /v1/charges                 Idempotency-Key required; gateway.CreateChargeParams -> gateway.Charge (processing)
//	GET  /v1/charges?metadata[k]=v   -> gateway.ChargeList, oldest first (the charges whose metadata has k=v)
//	GET  /v1/charges/{id}            -> gateway.Charge
//	POST /v1/charges/{id}/cancel     Idempotency-Key optional; cancels a processing charge, answers a settled one unchanged
//	POST /v1/refunds                 Idempotency-Key required; gateway.CreateRefundParams -> gateway.Refund (pending)
//	GET  /v1/refunds/{id}            -> gateway.Refund
//	GET  /v1/events?charge=ch_...    -> gateway.EventList, oldest first (the charge's and its refunds' events)
//	POST /v1/events/{id}/resend      delivers the event again, with the same event id -> gateway.Event
//	GET  /healthz                    200 when the server runs (no API key needed)
//
// Errors are {"error": {"code": ..., "message": ...}} with the codes of
// package gateway (gateway.CodeNotFound, ...).
//
// The store keeps only a card's brand, last four digits, expiry and test
// behaviour: never its number or CVC. Nothing here logs card data.
package sandbox
