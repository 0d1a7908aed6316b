package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of every key of a Keyring (AES-256).
const KeySize = 32

// maxKeyIDLen bounds a key id; ids travel in the metadata of every payload.
const maxKeyIDLen = 32

// Keyring holds named AES-256 keys. The first key encrypts; every key
// decrypts. A Keyring is immutable and safe for concurrent use.
//
// Its String and GoString methods print the key ids only, so a Keyring
// logged or formatted by mistake never shows key material.
type Keyring struct {
	ids   []string
	aeads map[string]cipher.AEAD
}

// ParseKeyring parses a keyring specification: comma-separated entries
// ID:KEY, the encrypting key first, as in
//
//	k2:NEW_BASE64_KEY,k1:OLD_BASE64_KEY
//
// An ID is 1 to 32 characters of A-Z, a-z, 0-9, '_' and '-'. A KEY is the
// standard or URL-safe base64 encoding, padded or not, of exactly 32 random
// bytes (`openssl rand -base64 32` makes one). Blanks around entries are
// ignored. Errors name the entry (by position or id) but never quote key
// material.
func ParseKeyring(spec string) (*Keyring, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, errors.New("codec keyring: no keys: want ID:BASE64KEY[,ID:BASE64KEY...], the encrypting key first")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(spec, ",") {
		n := i + 1
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("codec keyring: entry %d is empty (a stray comma?)", n)
		}
		id, encoded, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("codec keyring: entry %d is not of the form ID:BASE64KEY", n)
		}
		id, encoded = strings.TrimSpace(id), strings.TrimSpace(encoded)
		if !validKeyID(id) {
			// The id is not echoed: a malformed entry may be a pasted key.
			return nil, fmt.Errorf("codec keyring: entry %d: the key id must be 1 to %d characters of A-Z a-z 0-9 _ -", n, maxKeyIDLen)
		}
		if _, dup := k.aeads[id]; dup {
			return nil, fmt.Errorf("codec keyring: key id %q appears twice", id)
		}
		key, err := decodeKey(encoded)
		if err != nil {
			return nil, fmt.Errorf("codec keyring: key %q: %w", id, err)
		}
		block, err := aes.NewCipher(key)
		clear(key)
		if err != nil {
			return nil, fmt.Errorf("codec keyring: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec keyring: key %q: %w", id, err)
		}
		k.ids = append(k.ids, id)
		k.aeads[id] = aead
	}
	return k, nil
}

// decodeKey decodes a base64 key of KeySize bytes. Its errors say what is
// wrong without quoting the input.
func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("the key is empty")
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != KeySize {
			n := len(b)
			clear(b)
			return nil, fmt.Errorf("the key decodes to %d bytes; want %d (AES-256)", n, KeySize)
		}
		return b, nil
	}
	return nil, errors.New("the key is not valid base64 (standard or URL-safe)")
}

func validKeyID(id string) bool {
	if len(id) == 0 || len(id) > maxKeyIDLen {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// ActiveKeyID returns the id of the key that encrypts: the first one.
func (k *Keyring) ActiveKeyID() string { return k.ids[0] }

// KeyIDs returns the ids of all keys, the encrypting key first.
func (k *Keyring) KeyIDs() []string { return append([]string(nil), k.ids...) }

// aead returns the cipher of key id.
func (k *Keyring) aead(id string) (cipher.AEAD, bool) {
	a, ok := k.aeads[id]
	return a, ok
}

// String returns the key ids, such as "codec.Keyring[k2 k1]"; never key
// material.
func (k Keyring) String() string {
	return "codec.Keyring[" + strings.Join(k.ids, " ") + "]"
}

// GoString is String, so that %#v shows no key material either.
func (k Keyring) GoString() string { return k.String() }
