package commerce

import (
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// MaxAddressField is the maximum length of each field of an address, in
// characters.
const MaxAddressField = 200

// MaxReason is the maximum length of a reason given for a cancellation or
// a refund, in characters.
const MaxReason = 500

// Validate checks that an address can be delivered to and names every
// missing or malformed field.
func (a Address) Validate() error {
	var problems []string
	for _, f := range []struct{ name, v string }{
		{"recipient", a.Recipient}, {"street", a.Street}, {"city", a.City}, {"country", a.Country},
	} {
		if strings.TrimSpace(f.v) == "" {
			problems = append(problems, f.name+" is required")
		}
	}
	if c := strings.TrimSpace(a.Country); c != "" && !alpha2(c) {
		problems = append(problems, "country must be an ISO-3166 alpha-2 code such as US or CN")
	}
	for _, f := range []struct{ name, v string }{
		{"recipient", a.Recipient}, {"phone", a.Phone}, {"street", a.Street}, {"city", a.City},
		{"state", a.State}, {"zip_code", a.ZipCode},
	} {
		if err := text.Check(f.name, f.v, text.Rule{Max: MaxAddressField}); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return apperr.InvalidArgf("address: %s", strings.Join(problems, "; "))
	}
	return nil
}

// alpha2 reports whether c has the shape of an ISO-3166 alpha-2 code: two
// letters A-Z.
func alpha2(c string) bool {
	return len(c) == 2 && 'A' <= c[0] && c[0] <= 'Z' && 'A' <= c[1] && c[1] <= 'Z'
}
