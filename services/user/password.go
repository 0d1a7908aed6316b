package user

import (
	"context"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/tempomall/tempomall/internal/apperr"
)

// commonPasswords are refused whatever their shape.
var commonPasswords = map[string]bool{
	"password1": true, "password123": true, "12345678a": true, "qwerty123": true,
	"abc12345": true, "iloveyou1": true, "welcome1": true, "letmein1": true,
	"admin123": true, "passw0rd": true, "1q2w3e4r": true, "zaq12wsx": true,
}

// checkPassword applies the password policy and names every rule that is
// broken.
func checkPassword(pw, email, username string) error {
	var problems []string
	if utf8.RuneCountInString(pw) < 8 {
		problems = append(problems, "be at least 8 characters long")
	}
	if len(pw) > 72 {
		problems = append(problems, "be at most 72 bytes long")
	}
	hasLetter, hasDigit := false, false
	for _, r := range pw {
		hasLetter = hasLetter || unicode.IsLetter(r)
		hasDigit = hasDigit || unicode.IsDigit(r)
	}
	if !hasLetter {
		problems = append(problems, "contain a letter")
	}
	if !hasDigit {
		problems = append(problems, "contain a digit")
	}
	lower := strings.ToLower(pw)
	switch {
	case commonPasswords[lower]:
		problems = append(problems, "not be a commonly used password")
	case lower == strings.ToLower(email) || lower == strings.ToLower(username):
		problems = append(problems, "differ from the email and the username")
	}
	if len(problems) > 0 {
		return apperr.InvalidArgf("password must %s", strings.Join(problems, ", "))
	}
	return nil
}

// Hasher hashes passwords with bcrypt, at most one per CPU at a time.
//
// A bcrypt hash costs tens of milliseconds of CPU. Under a burst of
// sign-ups or logins, hashing every request at once would make each take
// as long as all of them, past their callers' deadlines, and the callers'
// retries would add more: no request would finish. Instead requests wait
// for a slot, and one whose caller gives up (its context ends) leaves the
// queue without hashing, answered Unavailable.
type Hasher struct {
	// Cost is the bcrypt cost; tests use bcrypt.MinCost.
	Cost int
	// dummy is compared against when an account does not exist, so that
	// a failed login takes as long either way.
	dummy []byte
	// slots holds one token per hash being computed.
	slots chan struct{}
}

// NewHasher returns a hasher of the given bcrypt cost (0: default).
func NewHasher(cost int) *Hasher {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password-0"), cost)
	return &Hasher{Cost: cost, dummy: dummy, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// errBusy answers a request whose caller gave up while it waited to hash.
var errBusy = apperr.New(apperr.Unavailable, "too many password checks at once; retry in a moment")

// slot waits for a hashing slot until ctx ends; release gives it back.
func (h *Hasher) slot(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-ctx.Done():
		return nil, errBusy
	}
}

// Hash returns the bcrypt hash of pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	release, err := h.slot(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	b, err := bcrypt.GenerateFromPassword([]byte(pw), h.Cost)
	return string(b), err
}

// Matches reports in constant time whether pw matches hash; with an empty
// hash it compares against a dummy and reports false. It fails only when
// ctx ends before a slot is free.
func (h *Hasher) Matches(ctx context.Context, hash, pw string) (bool, error) {
	release, err := h.slot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(h.dummy, []byte(pw))
		return false, nil
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil, nil
}
