// Package testcards names the card numbers the payment sandbox knows and
// what each does when charged. The sandbox behaves by them; clients
// (mallctl, tests, the chaos harness) pick cards by them. It imports
// nothing, so that a client can name a card without linking the sandbox.
package testcards

// Behavior is what a card does when it is charged.
type Behavior string

// The card behaviours. Any valid card number that is not a test card
// behaves as Succeed.
const (
	// Succeed: the charge succeeds, with a webhook.
	Succeed Behavior = "succeed"
	// Decline: the charge fails with failure_code card_declined,
	// with a webhook charge.failed.
	Decline Behavior = "decline"
	// DeclineInsufficientFunds: the charge fails with failure_code
	// insufficient_funds, with a webhook charge.failed.
	DeclineInsufficientFunds Behavior = "insufficient_funds"
	// SucceedSilently: the charge succeeds but no webhook is ever
	// sent for it or its refunds; the payment must reconcile by polling.
	SucceedSilently Behavior = "succeed_silently"
	// NeverSettle: the charge stays processing forever, without
	// a webhook; only a cancel ends it (with a webhook charge.canceled).
	NeverSettle Behavior = "never_settle"
)

// TestCard is a card number the sandbox knows, with its behaviour. Any
// expiry date in the future and any 3 or 4 digit CVC go with them.
type TestCard struct {
	Number   string   `json:"number"`
	Brand    string   `json:"brand"`
	Behavior Behavior `json:"behavior"`
	// Description says what happens, for READMEs and `mallctl`.
	Description string `json:"description"`
}

// The test card numbers.
const (
	Succeeds          = "4242424242424242"
	Mastercard        = "5555555555554444"
	Declines          = "4000000000000002"
	InsufficientFunds = "4000000000009995"
	NoWebhook         = "4000000000000259"
	NeverSettles      = "4000000000000341"
)

// List returns the test cards:
//
//	4242424242424242  visa        succeeds
//	5555555555554444  mastercard  succeeds
//	4000000000000002  visa        declined: charge.failed, failure_code card_declined
//	4000000000009995  visa        declined: charge.failed, failure_code insufficient_funds
//	4000000000000259  visa        succeeds but never sends a webhook (reconcile by polling)
//	4000000000000341  visa        never settles, no webhook; only a cancel ends it
func List() []TestCard {
	return []TestCard{
		{Succeeds, "visa", Succeed, "succeeds"},
		{Mastercard, "mastercard", Succeed, "succeeds"},
		{Declines, "visa", Decline, "declined: charge.failed with failure_code card_declined"},
		{InsufficientFunds, "visa", DeclineInsufficientFunds, "declined: charge.failed with failure_code insufficient_funds"},
		{NoWebhook, "visa", SucceedSilently, "succeeds but never sends a webhook: reconcile by polling GET /v1/charges/{id}"},
		{NeverSettles, "visa", NeverSettle, "stays processing forever without a webhook: only a cancel ends it"},
	}
}
