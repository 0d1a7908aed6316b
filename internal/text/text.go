// Package text holds the one rule for the text callers send, used by every
// service: valid UTF-8, no control characters (line breaks and tabs only
// in multi-line fields such as descriptions), and a documented maximum
// length in characters. Error messages quote at most a short prefix of
// what the caller sent, and never a secret (a password, a card number, a
// token).
//
// The RPC layer applies the rule to every string of every request before
// any work (CheckRequest, with the limits of the contract in package rpc);
// services use Check for the fields they clean further (trimming, minimum
// lengths).
package text

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tempomall/tempomall/internal/apperr"
)

// DefaultMax is the maximum length, in characters, of a string field whose
// rule names none. The contract (idl/common.proto) documents it.
const DefaultMax = 200

// QuoteRunes is how much of a caller's text an error message quotes.
const QuoteRunes = 24

// Rule is what a string field accepts.
type Rule struct {
	// Max is the maximum length in characters; 0 means DefaultMax.
	Max int
	// Min is the minimum length in characters (after nothing is trimmed).
	Min int
	// Multiline allows line breaks and tabs.
	Multiline bool
	// Secret fields are never quoted in error messages.
	Secret bool
}

func (r Rule) max() int {
	if r.Max > 0 {
		return r.Max
	}
	return DefaultMax
}

// Check returns an InvalidArgument error naming field unless s keeps rule
// r. The cost is bounded by the rule, not by the size of s.
func Check(field, s string, r Rule) error {
	max := r.max()
	// A character is at most 4 bytes: longer input is refused unread.
	if len(s) > 4*max {
		return apperr.InvalidArgf("%s must be at most %d characters long%s", field, max, r.quoted(s))
	}
	n := 0
	for i, c := range s {
		n++
		switch {
		case c == utf8.RuneError && !validAt(s, i):
			return apperr.InvalidArgf("%s is not valid UTF-8%s", field, r.quoted(s[:i]))
		case unicode.IsControl(c) && !(r.Multiline && (c == '\n' || c == '\r' || c == '\t')):
			return apperr.InvalidArgf("%s must not contain control characters (found %U)%s", field, c, r.quoted(s[:i]))
		}
	}
	switch {
	case n > max:
		return apperr.InvalidArgf("%s must be at most %d characters long; it has %d%s", field, max, n, r.quoted(s))
	case n < r.Min && r.Min == 1:
		return apperr.InvalidArgf("%s is required", field)
	case n < r.Min:
		return apperr.InvalidArgf("%s must be at least %d characters long", field, r.Min)
	}
	return nil
}

// Clean trims surrounding white space from s and checks the rest with
// Check.
func Clean(field, s string, r Rule) (string, error) {
	s = strings.TrimSpace(s)
	return s, Check(field, s, r)
}

// validAt reports whether the RuneError at s[i] is a real U+FFFD.
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// quoted returns ` (starts "...")` for error messages, or "" for secrets
// and empty text.
func (r Rule) quoted(s string) string {
	if r.Secret || s == "" {
		return ""
	}
	return " (it starts " + Quote(s) + ")"
}

// Quote returns s quoted for an error message: at most QuoteRunes
// characters of it, with an ellipsis when it is longer, escaped so that
// control characters and invalid bytes show as escapes.
func Quote(s string) string {
	n, cut := 0, len(s)
	for i := range s {
		if n == QuoteRunes {
			cut = i
			break
		}
		n++
	}
	q := strconv.Quote(s[:cut])
	if cut < len(s) {
		q = strings.TrimSuffix(q, `"`) + `…"`
	}
	return q
}
