package dbx

import "strings"

// Truncate cuts s to at most n bytes without splitting a UTF-8 sequence
// (MySQL refuses a string that ends in one): a character that does not fit
// whole is left out. Invalid UTF-8 already in s is dropped too.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:max(n, 0)], "")
}
