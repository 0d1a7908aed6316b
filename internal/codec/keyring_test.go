package codec

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomKey returns KeySize random bytes.
func randomKey(t testing.TB) []byte {
	t.Helper()
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// std is the standard base64 of b.
func std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// mustKeyring parses spec or fails the test.
func mustKeyring(t testing.TB, spec string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(spec)
	if err != nil {
		t.Fatalf("ParseKeyring: %v", err)
	}
	return k
}

func TestParseKeyring(t *testing.T) {
	a, b := randomKey(t), randomKey(t)
	tests := []struct {
		name string
		spec string
		want []string // key ids, the active one first
	}{
		{"one key", "k1:" + std(a), []string{"k1"}},
		{"the first key encrypts", "k2:" + std(b) + ",k1:" + std(a), []string{"k2", "k1"}},
		{"blanks and a trailing newline", "  k2 : " + std(b) + " ,\n k1:" + std(a) + "\n", []string{"k2", "k1"}},
		{"URL-safe base64", "k1:" + base64.URLEncoding.EncodeToString(a), []string{"k1"}},
		{"unpadded base64", "k1:" + base64.RawStdEncoding.EncodeToString(a), []string{"k1"}},
		{"unpadded URL-safe base64", "k1:" + base64.RawURLEncoding.EncodeToString(a), []string{"k1"}},
		{"id characters", "Key_2025-06:" + std(a), []string{"Key_2025-06"}},
		{"32-character id", strings.Repeat("x", 32) + ":" + std(a), []string{strings.Repeat("x", 32)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyring(tt.spec)
			if err != nil {
				t.Fatalf("ParseKeyring: %v", err)
			}
			if diff := cmp.Diff(tt.want, k.KeyIDs()); diff != "" {
				t.Errorf("KeyIDs (-want +got):\n%s", diff)
			}
			if got := k.ActiveKeyID(); got != tt.want[0] {
				t.Errorf("ActiveKeyID = %q, want %q", got, tt.want[0])
			}
		})
	}
}

func TestParseKeyringErrors(t *testing.T) {
	a, b := randomKey(t), randomKey(t)
	short := make([]byte, 16)
	copy(short, a)
	tests := []struct {
		name string
		spec string
		want string // a substring of the error
	}{
		{"empty", "", "no keys"},
		{"blank", " \n", "no keys"},
		{"stray comma", "k1:" + std(a) + ",", "entry 2 is empty"},
		{"bare key", std(a), "entry 1 is not of the form ID:BASE64KEY"},
		{"empty id", ":" + std(a), "entry 1: the key id must be 1 to 32 characters"},
		{"id too long", strings.Repeat("x", 33) + ":" + std(a), "entry 1: the key id must be"},
		{"id with a dot", "k.1:" + std(a), "entry 1: the key id must be"},
		{"reversed entry", std(a) + ":k1", "entry 1: the key id must be"},
		{"duplicate id", "k1:" + std(a) + ",k1:" + std(b), `key id "k1" appears twice`},
		{"empty key", "k1:", `key "k1": the key is empty`},
		{"not base64", "k1:" + std(a)[:40] + "!!!!", `key "k1": the key is not valid base64`},
		{"AES-128 key", "k1:" + std(short), `key "k1": the key decodes to 16 bytes; want 32 (AES-256)`},
		{"key too long", "k1:" + std(append(append([]byte(nil), a...), b...)), "decodes to 64 bytes"},
		{"second entry bad", "k2:" + std(b) + ",k1:" + std(short), `key "k1": the key decodes to 16 bytes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyring(tt.spec)
			if err == nil {
				t.Fatalf("ParseKeyring = %v, want an error containing %q", k, tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not contain %q", msg, tt.want)
			}
			for _, key := range [][]byte{a, b, short} {
				for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
					s := enc.EncodeToString(key)
					if strings.Contains(msg, s[:16]) {
						t.Errorf("error %q quotes key material", msg)
					}
				}
			}
		})
	}
}

// TestKeyringFormatting checks that formatting a keyring, by any verb,
// prints its ids and no key material.
func TestKeyringFormatting(t *testing.T) {
	a, b := randomKey(t), randomKey(t)
	k := mustKeyring(t, "k2:"+std(b)+",k1:"+std(a))
	holder := struct{ Keys Keyring }{*k}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		for _, v := range []any{k, *k, holder} {
			got := fmt.Sprintf(verb, v)
			if !strings.Contains(got, "k2") && verb != "%x" {
				t.Errorf("%s of %T = %q: no key id", verb, v, got)
			}
			for _, key := range [][]byte{a, b} {
				if bytes.Contains([]byte(got), key[:8]) || strings.Contains(got, std(key)[:12]) ||
					strings.Contains(got, fmt.Sprintf("%x", key[:8])) || strings.Contains(got, fmt.Sprint(key[:4])[1:]) {
					t.Errorf("%s of %T = %q shows key material", verb, v, got)
				}
			}
		}
	}
	if got, want := k.String(), "codec.Keyring[k2 k1]"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
