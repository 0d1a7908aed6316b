package sandbox

import (
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// TestTestCardsAreValid keeps the documented table honest: every test card
// passes the checks, with its brand and behaviour.
func TestTestCardsAreValid(t *testing.T) {
	now := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range testcards.List() {
		got, err := checkCard(gateway.Card{Number: tc.Number, ExpMonth: 1, ExpYear: 2030, CVC: "123"}, now)
		if err != nil {
			t.Errorf("%s: %v", tc.Number, err)
			continue
		}
		if got.brand != tc.Brand || got.behavior != tc.Behavior || got.last4 != tc.Number[len(tc.Number)-4:] {
			t.Errorf("%s = %s %s %s, want %s %s", tc.Number, got.brand, got.last4, got.behavior, tc.Brand, tc.Behavior)
		}
	}
}

func TestBrandOf(t *testing.T) {
	tests := []struct {
		number   string
		brand    string
		lengthOK bool
	}{
		{"4111111111111111", "visa", true},
		{"4222222222222", "visa", true},
		{"378282246310005", "amex", true},
		{"371449635398431", "amex", true},
		{"5105105105105100", "mastercard", true},
		{"2221000000000009", "mastercard", true},
		{"2720990000000007", "mastercard", true},
		{"2721000000000004", "", false},
		{"6200000000000005", "unionpay", true},
		{"3530111333300000", "", false}, // jcb: not supported
		{"41111111111111", "visa", false},
	}
	for _, tt := range tests {
		brand, ok := brandOf(tt.number)
		if brand != tt.brand || ok != tt.lengthOK {
			t.Errorf("brandOf(%s) = %q %v, want %q %v", tt.number, brand, ok, tt.brand, tt.lengthOK)
		}
	}
}
