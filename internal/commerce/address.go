package commerce

import (
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
)

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
	if c := strings.TrimSpace(a.Country); c != "" && (len(c) != 2 || strings.ToUpper(c) != c) {
		problems = append(problems, "country must be an ISO-3166 alpha-2 code such as US or CN")
	}
	for _, f := range []struct{ name, v string }{
		{"recipient", a.Recipient}, {"phone", a.Phone}, {"street", a.Street}, {"city", a.City},
		{"state", a.State}, {"zip_code", a.ZipCode},
	} {
		if len(f.v) > 200 {
			problems = append(problems, f.name+" is longer than 200 bytes")
		}
	}
	if len(problems) > 0 {
		return apperr.InvalidArgf("address: %s", strings.Join(problems, "; "))
	}
	return nil
}
