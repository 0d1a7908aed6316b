package codec

import (
	"crypto/rand"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	// EncodingEncrypted is the metadata "encoding" of a payload this codec
	// encrypted. Payloads with any other encoding pass Decode unchanged.
	EncodingEncrypted = "binary/encrypted"
	// MetadataKeyID is the metadata key naming the id of the key that
	// encrypted the payload.
	MetadataKeyID = "encryption-key-id"
)

// nonceSize is the size of the random GCM nonce that prefixes the
// ciphertext of each payload.
const nonceSize = 12

// Errors of Decode; they are wrapped with the payload's key id.
var (
	// ErrUnknownKey: the payload was encrypted with a key the keyring lacks.
	ErrUnknownKey = errors.New("codec: unknown encryption key")
	// ErrDecrypt: the payload failed authentication: it was altered, or its
	// key id names a different key than the one that encrypted it.
	ErrDecrypt = errors.New("codec: cannot decrypt payload")
)

// Codec is a converter.PayloadCodec that encrypts every payload with
// AES-256-GCM under the keyring's first key.
//
// Encode replaces each payload with one whose metadata is
// {encoding: EncodingEncrypted, MetadataKeyID: key id} and whose data is
// nonce || ciphertext || tag of the proto-marshalled original payload (so
// the original's metadata, such as encoding json/plain, survives). The nonce
// is 12 random bytes per payload; the key id is the additional
// authenticated data.
//
// Decode decrypts payloads of encoding EncodingEncrypted with the key their
// metadata names and passes every other payload through unchanged, so
// histories written before encryption was turned on still decode.
//
// A Codec is safe for concurrent use.
type Codec struct {
	keys *Keyring
}

var _ converter.PayloadCodec = (*Codec)(nil)

// NewCodec returns a codec over keys, which must not be nil.
func NewCodec(keys *Keyring) *Codec {
	if keys == nil || len(keys.ids) == 0 {
		panic("codec.NewCodec: no keyring; build one with ParseKeyring")
	}
	return &Codec{keys: keys}
}

// Encode encrypts each payload with the active key. A nil payload stays
// nil.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	id := c.keys.ActiveKeyID()
	aead, _ := c.keys.aead(id)
	ad := []byte(id)
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if p == nil {
			continue
		}
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, converter.NewWorkflowTaskFailureError(fmt.Errorf("codec: encode payload %d: %w", i, err))
		}
		data := make([]byte, nonceSize, nonceSize+len(plain)+aead.Overhead())
		if _, err := rand.Read(data); err != nil {
			return nil, converter.NewWorkflowTaskFailureError(fmt.Errorf("codec: encode payload %d: nonce: %w", i, err))
		}
		data = aead.Seal(data, data, plain, ad)
		clear(plain)
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(EncodingEncrypted),
				MetadataKeyID:              []byte(id),
			},
			Data: data,
		}
	}
	return out, nil
}

// Decode decrypts each payload of encoding EncodingEncrypted and passes the
// others through. Its errors wrap ErrUnknownKey or ErrDecrypt.
//
// Errors of Encode and Decode are converter.WorkflowTaskFailureErrors: met
// while a worker processes a workflow task, they fail the task, which the
// server retries, rather than the workflow, so a worker deployed with a
// keyring lacking a key stalls its workflows until the keyring is fixed
// instead of failing them.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		d, err := c.decrypt(p)
		if err != nil {
			return nil, converter.NewWorkflowTaskFailureError(fmt.Errorf("payload %d: %w", i, err))
		}
		out[i] = d
	}
	return out, nil
}

func (c *Codec) decrypt(p *commonpb.Payload) (*commonpb.Payload, error) {
	idBytes, ok := p.Metadata[MetadataKeyID]
	if !ok || len(idBytes) == 0 {
		return nil, fmt.Errorf("%w: the encrypted payload has no %s metadata", ErrDecrypt, MetadataKeyID)
	}
	id := string(idBytes)
	aead, ok := c.keys.aead(id)
	if !ok {
		return nil, fmt.Errorf("%w %q: the keyring has %v; keep retired keys in the keyring until no history needs them",
			ErrUnknownKey, clip(id), c.keys.ids)
	}
	if len(p.Data) < nonceSize+aead.Overhead() {
		return nil, fmt.Errorf("%w with key %q: %d bytes is too short to be ciphertext", ErrDecrypt, id, len(p.Data))
	}
	plain, err := aead.Open(nil, p.Data[:nonceSize], p.Data[nonceSize:], idBytes)
	if err != nil {
		return nil, fmt.Errorf("%w with key %q: authentication failed (the data was altered or encrypted under another key)", ErrDecrypt, id)
	}
	var d commonpb.Payload
	if err := proto.Unmarshal(plain, &d); err != nil {
		return nil, fmt.Errorf("%w with key %q: the plaintext is not a payload: %v", ErrDecrypt, id, err)
	}
	return &d, nil
}

// clip shortens an untrusted id for an error message.
func clip(s string) string {
	if len(s) > maxKeyIDLen {
		return s[:maxKeyIDLen] + "..."
	}
	return s
}

// NewDataConverter returns the data converter of clients and workers: the
// SDK's default converter (JSON, protobuf, bytes, nil) whose payloads pass
// through a Codec over keys. Set it as client.Options.DataConverter on
// every client and worker of the namespace, and run the codec server (see
// NewHandler) with the same keys so the Web UI and CLI can read payloads.
func NewDataConverter(keys *Keyring) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), NewCodec(keys))
}

// NewFailureConverter returns a failure converter that also encrypts the
// messages and stack traces of failures, with dc (from NewDataConverter).
// Set it as client.Options.FailureConverter next to the data converter.
//
// Without it, only failure details (the payloads of ApplicationError
// details) are encrypted; error messages, which may quote an address or an
// email, are stored in plain text. With it (the SDK's default failure
// converter with EncodeCommonAttributes), each failure's message and stack
// trace move into an encrypted payload and the stored message reads
// "Encoded failure". The trade-offs:
//
//   - Every client and worker of the namespace must use it, or they see
//     "Encoded failure" instead of messages (error types, retry decisions
//     and NonRetryableErrorTypes are unaffected: types stay plain text).
//   - Operators see the real messages only through the codec server, and
//     not everywhere: `temporal workflow show --codec-endpoint ...` prints
//     "Message: Encoded failure" in its summary; the decoded message is in
//     the event details of `workflow show --detailed`, as
//     failure.encodedAttributes.message.
//   - Failures the server makes itself (timeouts, terminations) and error
//     type names are never encrypted: keep personal data out of them.
func NewFailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          dc,
		EncodeCommonAttributes: true,
	})
}
