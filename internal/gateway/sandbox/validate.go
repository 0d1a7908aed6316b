package sandbox

import (
	"unicode/utf8"

	"github.com/tempomall/tempomall/internal/money"
)

// Limits on parameters.
const (
	maxMetadataKeys     = 50
	maxMetadataKeyLen   = 40
	maxMetadataValueLen = 500
	maxDescriptionLen   = 1000
	maxReasonLen        = 255
)

// checkAmount validates an amount in minor units.
func checkAmount(amount int64) error {
	if amount <= 0 || amount > money.MaxAmount {
		return errInvalid("amount must be a positive number of minor units, at most %d", int64(money.MaxAmount))
	}
	return nil
}

// checkCurrency validates the shape of an ISO-4217 code: three upper-case
// letters.
func checkCurrency(currency string) error {
	ok := len(currency) == 3
	for _, r := range currency {
		ok = ok && r >= 'A' && r <= 'Z'
	}
	if !ok {
		return errInvalid("currency must be an ISO-4217 code of three upper-case letters")
	}
	return nil
}

// checkText bounds a free-text parameter.
func checkText(name, s string, max int) error {
	if !utf8.ValidString(s) || len(s) > max {
		return errInvalid("%s must be valid UTF-8 of at most %d bytes", name, max)
	}
	return nil
}

// checkMetadata bounds metadata like a provider does.
func checkMetadata(m map[string]string) error {
	if len(m) > maxMetadataKeys {
		return errInvalid("metadata has more than %d keys", maxMetadataKeys)
	}
	for k, v := range m {
		if k == "" || len(k) > maxMetadataKeyLen {
			return errInvalid("metadata keys must be 1 to %d bytes", maxMetadataKeyLen)
		}
		if err := checkText("metadata value of "+k, v, maxMetadataValueLen); err != nil {
			return err
		}
	}
	return nil
}
