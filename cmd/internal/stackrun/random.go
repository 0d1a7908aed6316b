package stackrun

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex returns n random bytes in hex: secrets and names of a run.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
