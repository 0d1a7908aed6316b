package commerce_test

import (
	"strings"
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
)

func TestCheckKey(t *testing.T) {
	for _, ok := range []string{"a", "order-1_A", strings.Repeat("k", 64)} {
		if err := commerce.CheckKey("idempotency_key", ok); err != nil {
			t.Errorf("CheckKey(%q): %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"":                      "idempotency_key is required",
		"has space":             `idempotency_key must be 1-64 of A-Z a-z 0-9 _ -; got "has space"`,
		"é":                     "idempotency_key must be",
		strings.Repeat("k", 65): "idempotency_key must be",
		"a/b":                   "idempotency_key must be",
	} {
		err := commerce.CheckKey("idempotency_key", bad)
		if apperr.KindOf(err) != apperr.InvalidArgument || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckKey(%q) = %v, want InvalidArgument %q", bad, err, want)
		}
	}
}
