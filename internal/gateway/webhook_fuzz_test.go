package gateway

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseEvent checks ParseEvent on any body: it never panics; what it
// refuses wraps ErrInvalidEvent; what it accepts has an id, a type and
// exactly one object, with its id, and reads back the same once encoded.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{
		`{"id":"evt_1","type":"charge.succeeded","charge":{"id":"ch_1","amount":1250,"currency":"USD","status":"succeeded"}}`,
		`{"id":"evt_2","type":"refund.failed","refund":{"id":"re_1","charge":"ch_1","amount":-1,"metadata":{"k":"v"}}}`,
		`{"id":"evt_3","type":"something.new","created":"2026-01-02T03:04:05Z","charge":{"id":"ch_9"}}`,
		`{"id":"evt_4","type":"charge.failed","charge":{"id":"ch_1"},"refund":{"id":"re_1"}}`,
		`{"id":"evt_5","type":"charge.failed","charge":{}}`,
		`{"id":"","type":"x"}`, `{"type":"x","charge":null}`, `[]`, `null`, ``, `{`, `{"id":1}`,
		`{"id":"evt_6","type":"t","charge":{"id":"ch","created":"99999-01-01T00:00:00Z"}}`,
		`{"id":"evt_7","type":"t","charge":{"id":"ch","amount":1e400}}`,
		`{"id":"evt_8","ID":"evt_9","type":"t","refund":{"id":"re"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseEvent(body)
		if err != nil {
			if !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("refused with %v, not ErrInvalidEvent", err)
			}
			return
		}
		switch {
		case ev.ID == "" || ev.Type == "":
			t.Fatalf("accepted an event without id or type: %+v", ev)
		case (ev.Charge == nil) == (ev.Refund == nil):
			t.Fatalf("accepted an event with %v charge and %v refund", ev.Charge != nil, ev.Refund != nil)
		case ev.Charge != nil && ev.Charge.ID == "", ev.Refund != nil && ev.Refund.ID == "":
			t.Fatalf("accepted an object without id: %+v", ev)
		}
		encoded, err := json.Marshal(ev)
		if err != nil {
			return // a time json cannot write (a year beyond 9999)
		}
		again, err := ParseEvent(encoded)
		if err != nil {
			t.Fatalf("%s reads back as %v", encoded, err)
		}
		if re, _ := json.Marshal(again); !bytes.Equal(re, encoded) {
			t.Fatalf("%s reads back as %s", encoded, re)
		}
	})
}

// FuzzVerifySignature checks webhook signatures: VerifySignature never
// panics, whatever the header; a signature made with the secret
// verifies; and a change of one byte of the body, of the signed
// timestamp or of the signature is refused. A change of the header's
// text that leaves its meaning (the upper-case spelling of a hex digit,
// say) is allowed to verify.
func FuzzVerifySignature(f *testing.F) {
	f.Add("whsec_test", []byte(`{"id":"evt_1","type":"charge.succeeded","charge":{"id":"ch_1"}}`), int64(1_700_000_000), "t=1700000000,v1=00", uint16(0), byte(1))
	f.Add("s", []byte{}, int64(0), "", uint16(3), byte('9'))
	f.Add("whsec_e2e", []byte("x"), int64(-1), "t=-1,v1="+strings.Repeat("ab", 32)+",v1=zz", uint16(40), byte(' '))
	f.Add("\x00", []byte("\xff"), int64(253402300799), "t=+1,v1=", uint16(65535), byte(','))
	f.Fuzz(func(t *testing.T, secret string, body []byte, unix int64, header string, at uint16, b byte) {
		now := time.Unix(unix, 0)
		_ = VerifySignature(secret, header, body, now, 0)
		if secret == "" {
			if VerifySignature(secret, Sign(secret, now, body), body, now, 0) == nil {
				t.Fatal("verified without a secret")
			}
			return
		}
		signed := Sign(secret, now, body)
		if err := VerifySignature(secret, signed, body, now, 0); err != nil {
			t.Fatalf("a fresh signature does not verify: %v (%s)", err, signed)
		}
		// One byte of the body.
		if len(body) > 0 && b != 0 {
			changed := bytes.Clone(body)
			changed[int(at)%len(changed)] ^= b
			if VerifySignature(secret, signed, changed, now, 0) == nil {
				t.Fatalf("a changed body verifies: %q", changed)
			}
		}
		ts := strconv.FormatInt(unix, 10)
		sig := strings.TrimPrefix(signed, "t="+ts+",v1=")
		// One byte of the timestamp as sent.
		if i := int(at) % len(ts); ts[i] != b {
			changed := ts[:i] + string([]byte{b}) + ts[i+1:]
			if VerifySignature(secret, "t="+changed+",v1="+sig, body, now, time.Duration(1<<62)) == nil {
				t.Fatalf("a changed timestamp %q verifies", changed)
			}
		}
		// One byte of the signature.
		raw, _ := hex.DecodeString(sig)
		if b != 0 {
			raw[int(at)%len(raw)] ^= b
			if VerifySignature(secret, "t="+ts+",v1="+hex.EncodeToString(raw), body, now, 0) == nil {
				t.Fatal("a changed signature verifies")
			}
		}
		// One byte anywhere in the header: refused, or the same header in
		// other words.
		i := int(at) % len(signed)
		changed := signed[:i] + string([]byte{b}) + signed[i+1:]
		if VerifySignature(secret, changed, body, now, 0) == nil {
			gotTS, gotSigs, err := parseSignature(changed)
			_, wantSigs, _ := parseSignature(signed)
			if err != nil || gotTS != ts || len(gotSigs) != 1 || !bytes.Equal(gotSigs[0], wantSigs[0]) {
				t.Fatalf("a changed header %q verifies", changed)
			}
		}
	})
}
