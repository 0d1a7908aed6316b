package commerce

import (
	"regexp"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// keyPattern is the shape of idempotency keys and of the order ids
// callers choose: 1 to 64 of A-Z a-z 0-9 _ -.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// CheckKey returns an InvalidArgument error naming field unless key has
// the shape of an idempotency key (1 to 64 of A-Z a-z 0-9 _ -).
func CheckKey(field, key string) error {
	switch {
	case key == "":
		return apperr.InvalidArgf("%s is required: 1-64 of A-Z a-z 0-9 _ -", field)
	case !keyPattern.MatchString(key):
		return apperr.InvalidArgf("%s must be 1-64 of A-Z a-z 0-9 _ -; got %s", field, text.Quote(key))
	}
	return nil
}
