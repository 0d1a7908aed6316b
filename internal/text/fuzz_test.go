package text

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/apperr"
)

// maxMessage bounds a refusal's message: a field name, a sentence and a
// quote of QuoteRunes characters at most, each escaped in at most ten
// bytes (\U0010ffff).
const maxMessage = 120 + 10*QuoteRunes

// FuzzCheck checks the text rule on any string and rule: Check never
// panics; it refuses unread what cannot fit the limit; what it accepts is
// valid UTF-8 without control characters (line breaks and tabs only in
// multi-line text) and within the lengths; what it refuses it refuses as
// InvalidArgument with a short message that quotes a prefix of at most
// QuoteRunes characters, and nothing of a secret.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"", "12 St James's Square", "北京市朝阳区建国路88号", "a\x00b", "a\nb\tc", "a\r\n", "a\x1b[31m", "ab\xffcd",
		"a\uFFFDb", "\xef\xbf\xbd", "\xed\xa0\x80", "a\u0085b", "a\u2028b", "\x7f", strings.Repeat("é", 201),
		strings.Repeat("界", 30) + "\x00", `"quoted"…`,
	} {
		f.Add(s, uint16(0), uint8(0), false, false)
	}
	f.Add("pass\x00word", uint16(8), uint8(1), false, true)
	f.Add(strings.Repeat("y\n", 40), uint16(50), uint8(0), true, false)
	f.Add(strings.Repeat("s", 300), uint16(10), uint8(3), false, true)
	f.Add("ab", uint16(5), uint8(3), true, false)
	f.Fuzz(func(t *testing.T, s string, max uint16, min uint8, multiline, secret bool) {
		r := Rule{Max: int(max % 1000), Min: int(min % 8), Multiline: multiline, Secret: secret}
		err := Check("f", s, r)
		limit := r.max()
		if err == nil {
			n := utf8.RuneCountInString(s)
			switch {
			case !utf8.ValidString(s):
				t.Fatalf("accepted invalid UTF-8 %q", s)
			case n > limit || n < r.Min:
				t.Fatalf("accepted %d characters under %+v", n, r)
			case len(s) > 4*limit:
				t.Fatalf("accepted %d bytes, more than %d characters can take", len(s), limit)
			}
			for _, c := range s {
				if unicode.IsControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t')) {
					t.Fatalf("accepted the control character %U under %+v", c, r)
				}
			}
			return
		}
		if len(s) > 4*limit && !strings.Contains(err.Error(), "must be at most") {
			t.Fatalf("%d bytes under a limit of %d characters refused for another reason: %v", len(s), limit, err)
		}
		checkRefusal(t, err, s, secret)
	})
}

// checkRefusal checks a refusal of s: its kind, its length, and what it
// quotes of s.
func checkRefusal(t *testing.T, err error, s string, secret bool) {
	t.Helper()
	msg := err.Error()
	if apperr.KindOf(err) != apperr.InvalidArgument {
		t.Fatalf("refused as %v: %v", apperr.KindOf(err), err)
	}
	if len(msg) > maxMessage {
		t.Fatalf("the message is %d bytes long: %q", len(msg), msg)
	}
	const opening = " (it starts "
	i := strings.Index(msg, opening)
	if i < 0 {
		return
	}
	if secret {
		t.Fatalf("a secret is quoted: %q", msg)
	}
	quoted := strings.TrimSuffix(msg[i+len(opening):], ")")
	if cut, ok := strings.CutSuffix(quoted, `…"`); ok {
		quoted = cut + `"`
	}
	q, uerr := strconv.Unquote(quoted)
	if uerr != nil {
		t.Fatalf("the quote %s does not unquote: %v", quoted, uerr)
	}
	if n := utf8.RuneCountInString(q); n > QuoteRunes || !strings.HasPrefix(s, q) {
		t.Fatalf("the message quotes %d characters %q, not a prefix of at most %d of the input", n, q, QuoteRunes)
	}
}

// requestRules are the rules of the fuzzed request's fields that differ
// from the default, as the contract states them (internal/rpc.FieldRules).
var requestRules = Rules{
	"payment.PaymentMethodInput_Token.token": {Max: 100, Secret: true},
}

// FuzzCheckRequest checks CheckRequest on a checkout request built from
// fuzzed strings: it never panics, and it answers as Check answers the
// first field, in the message's order, that breaks its rule, naming the
// field by its path.
func FuzzCheckRequest(f *testing.F) {
	f.Add("key-1", "Ada Lovelace", "+44 20", "12 St James's Square", "London", "", "GB", "SW1Y 4JH", "USD", "", "pm_123")
	f.Add("", "", "", "", "", "", "", "", "", "", "")
	f.Add("k", "Ada\x1b[2J", "", "1 Main St", "London", "", "GB", "", "", "TEN", "")
	f.Add("k", "Ada", "", strings.Repeat("S", 201), "London", "", "GB", "", "", "", strings.Repeat("t", 101))
	f.Add("k", "Ada \xff", "", "", "", "", "", "", "usd ", "", "pm\x00secret-token")
	f.Add("k", "阿达", "电话", "街道", "北京", "北京", "CN", "100000", "CNY", "折扣", "pm_\u2028")
	f.Fuzz(func(t *testing.T, key, recipient, phone, street, city, state, country, zip, currency, coupon, token string) {
		req := &checkout.CheckoutRequest{
			IdempotencyKey: key,
			Address: &common.Address{Recipient: recipient, Phone: phone, Street: street, City: city, State: state,
				Country: country, ZipCode: zip},
			Currency: currency, CouponCode: coupon,
			PaymentMethod: &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: token}},
		}
		err := requestRules.CheckRequest(req)
		var want error
		field, value := "", ""
		for _, fd := range []struct {
			path, v string
			r       Rule
		}{
			{"idempotency_key", key, Rule{}},
			{"address.recipient", recipient, Rule{}}, {"address.phone", phone, Rule{}}, {"address.street", street, Rule{}},
			{"address.city", city, Rule{}}, {"address.state", state, Rule{}}, {"address.country", country, Rule{}},
			{"address.zip_code", zip, Rule{}},
			{"currency", currency, Rule{}}, {"coupon_code", coupon, Rule{}},
			{"payment_method.token", token, requestRules["payment.PaymentMethodInput_Token.token"]},
		} {
			if want = Check(fd.path, fd.v, fd.r); want != nil {
				field, value = fd.path, fd.v
				break
			}
		}
		switch {
		case (err == nil) != (want == nil):
			t.Fatalf("CheckRequest: %v; the fields one by one: %v", err, want)
		case err == nil:
			return
		case err.Error() != want.Error():
			t.Fatalf("CheckRequest: %q\nthe first field refused (%s): %q", err, field, want)
		}
		checkRefusal(t, err, value, field == "payment_method.token")
	})
}
