package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// address is personal data the tests look for in encoded payloads.
const address = "Jörg Müller, Baker Street 221B, 北京市朝阳区 100020, +44 20 7946 0958"

// jsonPayloads returns the default converter's payloads of values.
func jsonPayloads(t testing.TB, values ...any) []*commonpb.Payload {
	t.Helper()
	ps, err := converter.GetDefaultDataConverter().ToPayloads(values...)
	if err != nil {
		t.Fatal(err)
	}
	return ps.Payloads
}

// assertCiphertext fails the test unless every payload is encrypted under
// key id and holds none of the plaintexts.
func assertCiphertext(t testing.TB, ps []*commonpb.Payload, id string, plaintexts ...string) {
	t.Helper()
	for i, p := range ps {
		md := p.GetMetadata()
		if got := string(md[converter.MetadataEncoding]); got != EncodingEncrypted {
			t.Errorf("payload %d: encoding %q, want %q", i, got, EncodingEncrypted)
		}
		if got := string(md[MetadataKeyID]); got != id {
			t.Errorf("payload %d: key id %q, want %q", i, got, id)
		}
		raw, err := proto.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range plaintexts {
			for _, part := range strings.Split(s, ",") {
				if bytes.Contains(raw, []byte(strings.TrimSpace(part))) {
					t.Errorf("payload %d holds plaintext %q", i, part)
				}
			}
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	c := NewCodec(mustKeyring(t, "k1:"+std(randomKey(t))))
	type shipment struct {
		Address string
		Phone   string
		Items   []int
	}
	tests := []struct {
		name     string
		payloads []*commonpb.Payload
	}{
		{"json string", jsonPayloads(t, address)},
		{"json struct", jsonPayloads(t, shipment{Address: address, Phone: "+86 138 0013 8000", Items: []int{1, 2}})},
		{"several values", jsonPayloads(t, "alice@example.com", 42, nil, []byte{0, 1, 2}, map[string]string{"tok": "pm_card_visa"})},
		{"empty string", jsonPayloads(t, "")},
		{"no metadata", []*commonpb.Payload{{Data: []byte("raw")}}},
		{"empty payload", []*commonpb.Payload{{}}},
		{"none", []*commonpb.Payload{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := c.Encode(tt.payloads)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			assertCiphertext(t, enc, "k1", address)
			dec, err := c.Decode(enc)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.payloads, dec, protocmp.Transform()); diff != "" {
				t.Errorf("Decode(Encode(p)) (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCodecNilPayload(t *testing.T) {
	c := NewCodec(mustKeyring(t, "k1:"+std(randomKey(t))))
	enc, err := c.Encode([]*commonpb.Payload{nil})
	if err != nil || len(enc) != 1 || enc[0] != nil {
		t.Fatalf("Encode([nil]) = %v, %v; want [nil]", enc, err)
	}
}

func TestDataConverterRoundTrip(t *testing.T) {
	dc := NewDataConverter(mustKeyring(t, "k1:"+std(randomKey(t))))
	type customer struct {
		Email   string
		Address string
	}
	in := customer{Email: "zoë@example.com", Address: address}
	p, err := dc.ToPayload(in)
	if err != nil {
		t.Fatal(err)
	}
	assertCiphertext(t, []*commonpb.Payload{p}, "k1", address, "zoë@example.com")
	var out customer
	if err := dc.FromPayload(p, &out); err != nil {
		t.Fatalf("FromPayload: %v", err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("FromPayload(ToPayload(v)) (-want +got):\n%s", diff)
	}
	if got := dc.ToString(p); !strings.Contains(got, "zoë@example.com") {
		t.Errorf("ToString = %q, want the decrypted JSON", got)
	}
}

func TestDecodePassesPlaintextThrough(t *testing.T) {
	c := NewCodec(mustKeyring(t, "k1:"+std(randomKey(t))))
	plain := jsonPayloads(t, address, 7)
	plain = append(plain,
		&commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte("binary/zlib")}, Data: []byte{1, 2}},
		&commonpb.Payload{Metadata: map[string][]byte{converter.MetadataEncoding: []byte("binary/null")}},
	)
	enc, err := c.Encode(jsonPayloads(t, "encrypted"))
	if err != nil {
		t.Fatal(err)
	}
	mixed := append(append([]*commonpb.Payload(nil), plain...), enc...)
	dec, err := c.Decode(mixed)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := append(append([]*commonpb.Payload(nil), plain...), jsonPayloads(t, "encrypted")...)
	if diff := cmp.Diff(want, dec, protocmp.Transform()); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
	for i := range plain {
		if dec[i] != plain[i] {
			t.Errorf("payload %d: a plaintext payload was copied, want it passed through", i)
		}
	}
}

func TestRotation(t *testing.T) {
	k1, k2 := std(randomKey(t)), std(randomKey(t))
	old := NewCodec(mustKeyring(t, "k1:"+k1))
	oldData, err := old.Encode(jsonPayloads(t, "written with k1: "+address))
	if err != nil {
		t.Fatal(err)
	}
	assertCiphertext(t, oldData, "k1", address)

	rotated := NewCodec(mustKeyring(t, "k2:"+k2+",k1:"+k1))
	t.Run("the new keyring decodes old data", func(t *testing.T) {
		dec, err := rotated.Decode(oldData)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if diff := cmp.Diff(jsonPayloads(t, "written with k1: "+address), dec, protocmp.Transform()); diff != "" {
			t.Errorf("Decode (-want +got):\n%s", diff)
		}
	})
	newData, err := rotated.Encode(jsonPayloads(t, "written with k2: "+address))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the new keyring encodes with the new key", func(t *testing.T) {
		assertCiphertext(t, newData, "k2", address)
		if _, err := rotated.Decode(newData); err != nil {
			t.Errorf("Decode: %v", err)
		}
	})
	t.Run("the old keyring cannot read new data", func(t *testing.T) {
		_, err := old.Decode(newData)
		if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), `"k2"`) {
			t.Errorf("Decode = %v, want ErrUnknownKey naming k2", err)
		}
	})
	t.Run("a keyring without the old key names it", func(t *testing.T) {
		_, err := NewCodec(mustKeyring(t, "k2:"+k2)).Decode(oldData)
		if !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("Decode = %v, want ErrUnknownKey", err)
		}
		want := `payload 0: codec: unknown encryption key "k1": the keyring has [k2]; keep retired keys in the keyring until no history needs them`
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
	t.Run("a different key under the same id fails authentication", func(t *testing.T) {
		_, err := NewCodec(mustKeyring(t, "k1:"+k2)).Decode(oldData)
		if !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), `"k1"`) {
			t.Errorf("Decode = %v, want ErrDecrypt naming k1", err)
		}
	})
}

func TestTamperDetection(t *testing.T) {
	k1, k2 := std(randomKey(t)), std(randomKey(t))
	c := NewCodec(mustKeyring(t, "k1:"+k1+",k2:"+k2))
	fresh := func() *commonpb.Payload {
		enc, err := c.Encode(jsonPayloads(t, address))
		if err != nil {
			t.Fatal(err)
		}
		return enc[0]
	}
	tests := []struct {
		name   string
		tamper func(p *commonpb.Payload)
		want   error
	}{
		{"flipped ciphertext bit", func(p *commonpb.Payload) { p.Data[nonceSize+3] ^= 1 }, ErrDecrypt},
		{"flipped nonce bit", func(p *commonpb.Payload) { p.Data[0] ^= 0x80 }, ErrDecrypt},
		{"flipped tag bit", func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 }, ErrDecrypt},
		{"truncated", func(p *commonpb.Payload) { p.Data = p.Data[:len(p.Data)-1] }, ErrDecrypt},
		{"too short", func(p *commonpb.Payload) { p.Data = p.Data[:nonceSize+15] }, ErrDecrypt},
		{"empty data", func(p *commonpb.Payload) { p.Data = nil }, ErrDecrypt},
		{"appended byte", func(p *commonpb.Payload) { p.Data = append(p.Data, 0) }, ErrDecrypt},
		// The key id is the additional data: relabelling fails even when the
		// other key is present.
		{"key id relabelled", func(p *commonpb.Payload) { p.Metadata[MetadataKeyID] = []byte("k2") }, ErrDecrypt},
		{"key id removed", func(p *commonpb.Payload) { delete(p.Metadata, MetadataKeyID) }, ErrDecrypt},
		{"unknown key id", func(p *commonpb.Payload) { p.Metadata[MetadataKeyID] = []byte("k9") }, ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fresh()
			tt.tamper(p)
			got, err := c.Decode([]*commonpb.Payload{p})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, %v; want %v", got, err, tt.want)
			}
			if got != nil {
				t.Errorf("Decode returned payloads %v with its error", got)
			}
			var taskFailure *converter.WorkflowTaskFailureError
			if !errors.As(err, &taskFailure) {
				t.Errorf("Decode error %T is not a WorkflowTaskFailureError: it would fail workflows, not their tasks", err)
			}
		})
	}
}

func TestNonceUniqueness(t *testing.T) {
	c := NewCodec(mustKeyring(t, "k1:"+std(randomKey(t))))
	in := jsonPayloads(t, address)
	seen := map[string]bool{}
	var first []byte
	for i := range 100 {
		enc, err := c.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(enc[0].Data[:nonceSize])
		if seen[nonce] {
			t.Fatalf("encoding %d reused a nonce", i)
		}
		seen[nonce] = true
		if i == 0 {
			first = enc[0].Data
		} else if bytes.Equal(first, enc[0].Data) {
			t.Fatalf("encoding %d equals the first: encodings of the same payload must differ", i)
		}
	}
}

func TestNewCodecNeedsAKeyring(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewCodec(nil) did not panic")
		}
	}()
	NewCodec(nil)
}

// BenchmarkCodec1KiB measures encode+decode of one 1 KiB JSON payload.
func BenchmarkCodec1KiB(b *testing.B) {
	c := NewCodec(mustKeyring(b, "k1:"+std(randomKey(b))))
	in := jsonPayloads(b, strings.Repeat("x", 1024-2)) // 1 KiB of JSON with its quotes
	if n := len(in[0].Data); n != 1024 {
		b.Fatalf("payload data is %d bytes", n)
	}
	b.SetBytes(1024)
	b.ReportAllocs()
	for b.Loop() {
		enc, err := c.Encode(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}
