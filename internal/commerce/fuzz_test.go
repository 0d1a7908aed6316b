package commerce_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/text"
)

// FuzzAddressValidate checks Address.Validate on any fields: it never
// panics; an address it accepts has a recipient, a street and a city,
// an ISO-3166 alpha-2 country (two letters A-Z), and fields that keep the
// text rule; what it refuses it refuses as InvalidArgument, in a message
// that names the fields without repeating them whole.
func FuzzAddressValidate(f *testing.F) {
	f.Add("Ada Lovelace", "+44 20 7946 0000", "12 St James's Square", "London", "", "GB", "SW1Y 4JH")
	f.Add("阿达", "", "建国路88号", "北京", "北京", "CN", "100000")
	f.Add("", "", "", "", "", "", "")
	f.Add(" ", "\t", "\n", "\u3000", "", " gb ", "")
	f.Add("Ada", "", "1 Main St", "London", "", "usa", "")
	f.Add("Ada\x1b[2J", "", "1 Main St\xff", "London", "", "GB", strings.Repeat("9", 201))
	f.Fuzz(func(t *testing.T, recipient, phone, street, city, state, country, zip string) {
		a := commerce.Address{Recipient: recipient, Phone: phone, Street: street, City: city, State: state, Country: country, ZipCode: zip}
		err := a.Validate()
		if err != nil {
			if apperr.KindOf(err) != apperr.InvalidArgument {
				t.Fatalf("refused as %v: %v", apperr.KindOf(err), err)
			}
			if n := len(err.Error()); n > 2000 {
				t.Fatalf("the message is %d bytes long", n)
			}
			return
		}
		for name, v := range map[string]string{"recipient": recipient, "street": street, "city": city} {
			if strings.TrimSpace(v) == "" {
				t.Fatalf("accepted without a %s: %+v", name, a)
			}
		}
		if c := strings.TrimSpace(country); len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			t.Fatalf("accepted the country %q", country)
		}
		for name, v := range map[string]string{"recipient": recipient, "phone": phone, "street": street, "city": city, "state": state, "zip_code": zip} {
			if err := text.Check(name, v, text.Rule{Max: commerce.MaxAddressField}); err != nil {
				t.Fatalf("accepted a %s the text rule refuses: %v", name, err)
			}
		}
	})
}

// FuzzCheckKey checks CheckKey on any key: it never panics; it accepts
// exactly 1 to 64 of A-Z a-z 0-9 _ -; and it refuses as InvalidArgument,
// naming the field and quoting at most text.QuoteRunes characters of the
// key, as every refusal of a caller's text does (idl/common.proto).
func FuzzCheckKey(f *testing.F) {
	for _, s := range []string{"a", "order-1_A", strings.Repeat("k", 64), "", "has space", "é", "a/b",
		"a\x00", "key\n", "\xff", "ＡＢＣ", "-", "_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		err := commerce.CheckKey("idempotency_key", key)
		valid := len(key) >= 1 && len(key) <= 64
		for _, c := range []byte(key) {
			if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
				valid = false
			}
		}
		if valid != (err == nil) {
			t.Fatalf("CheckKey(%q) = %v", key, err)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if apperr.KindOf(err) != apperr.InvalidArgument || !strings.HasPrefix(msg, "idempotency_key ") {
			t.Fatalf("CheckKey(%q) = %v (%v)", key, err, apperr.KindOf(err))
		}
		// The quote, if any, is the message's last quoted string.
		if i := strings.Index(msg, `; got "`); i >= 0 {
			quoted := msg[i+len("; got "):]
			if cut, ok := strings.CutSuffix(quoted, `…"`); ok {
				quoted = cut + `"`
			}
			q, uerr := strconv.Unquote(quoted)
			if uerr != nil || utf8.RuneCountInString(q) > text.QuoteRunes || !strings.HasPrefix(key, q) {
				t.Fatalf("CheckKey(%q) quotes %s, not a prefix of at most %d characters", key, msg[i+len("; got "):], text.QuoteRunes)
			}
		}
	})
}
