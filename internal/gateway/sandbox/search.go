package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/tempomall/tempomall/internal/gateway"
)

// maxSearchedCharges bounds the answer of a charge search.
const maxSearchedCharges = 100

// metadataQuery reads the one "metadata[key]=value" parameter of a
// search.
func metadataQuery(q url.Values) (key, value string, err error) {
	for name, values := range q {
		k, ok := strings.CutPrefix(name, "metadata[")
		if !ok || !strings.HasSuffix(k, "]") || len(values) != 1 {
			continue
		}
		if key != "" {
			return "", "", errInvalid("search by one metadata key")
		}
		key, value = strings.TrimSuffix(k, "]"), values[0]
	}
	if key == "" || value == "" {
		return "", "", errInvalid("search charges with metadata[key]=value")
	}
	if err := checkMetadata(map[string]string{key: value}); err != nil {
		return "", "", err
	}
	return key, value, nil
}

// searchCharges returns the charges whose metadata holds key=value, oldest
// first (at most maxSearchedCharges).
func (l *ledger) searchCharges(ctx context.Context, key, value string) ([]gateway.Charge, error) {
	// The metadata is stored as JSON text: a substring match narrows the
	// rows, the decoded metadata decides.
	pair, _ := json.Marshal(map[string]string{key: value}) // a map[string]string always encodes
	like := "%" + escapeLike(strings.Trim(string(pair), "{}")) + "%"
	var rows []chargeRow
	err := l.db.WithContext(ctx).Where("metadata LIKE ? ESCAPE '!'", like).Order("created_at, id").
		Limit(maxSearchedCharges).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("search charges: %w", err)
	}
	out := []gateway.Charge{}
	for _, r := range rows {
		if decodeMetadata(r.Metadata)[key] == value {
			out = append(out, r.api())
		}
	}
	return out, nil
}

// escapeLike escapes the LIKE wildcards of s with "!" (the one escape
// character SQLite and MySQL read alike).
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}
