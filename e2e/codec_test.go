package e2e_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	"github.com/tempomall/tempomall/internal/codec"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// TestPayloadsEncrypted: after a checkout, the order's history as Temporal
// stores it holds the address and phone number only as ciphertext, and
// `temporal workflow show --codec-endpoint` decodes them through the codec
// server, as an operator would.
func TestPayloadsEncrypted(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "codec", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	wid := orderwf.WorkflowID(co.GetOrderId())
	personal := []string{homeAddress.GetStreet(), homeAddress.GetPhone(), homeAddress.GetRecipient()}

	// A client without the keys reads what the server stores.
	raw, err := client.Dial(client.Options{HostPort: s.cfg.TemporalHostPort, Namespace: s.cfg.TemporalNamespace})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stored bytes.Buffer
	encrypted := 0
	it := raw.GetWorkflowHistory(ctx, wid, "", false, 0)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		stored.Write(b)
		encrypted += bytes.Count(b, []byte(codec.EncodingEncrypted))
	}
	if encrypted == 0 {
		t.Fatalf("no payload of %s is encrypted", wid)
	}
	for _, p := range personal {
		if bytes.Contains(stored.Bytes(), []byte(p)) {
			t.Errorf("the stored history of %s holds %q in plaintext", wid, p)
		}
	}

	// The operator's view, decoded by the codec server.
	out, err := exec.Command(temporalCLI(t), "workflow", "show", "--address", s.cfg.TemporalHostPort,
		"--namespace", s.cfg.TemporalNamespace, "--workflow-id", wid, "--output", "json",
		"--codec-endpoint", s.cfg.CodecEndpoint()).CombinedOutput()
	if err != nil {
		t.Fatalf("temporal workflow show: %v\n%.2000s", err, out)
	}
	// The JSON output carries each payload's data in base64.
	var decoded strings.Builder
	for _, m := range regexp.MustCompile(`"data": "([A-Za-z0-9+/=]*)"`).FindAllStringSubmatch(string(out), -1) {
		b, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatalf("a payload's data is not base64: %v", err)
		}
		decoded.Write(b)
	}
	if strings.Contains(decoded.String(), codec.EncodingEncrypted) || strings.Contains(string(out), base64.StdEncoding.EncodeToString([]byte(codec.EncodingEncrypted))) {
		t.Errorf("the decoded history still has encrypted payloads")
	}
	for _, p := range personal {
		if !strings.Contains(decoded.String(), p) {
			t.Errorf("the decoded history lacks %q", p)
		}
	}
}
