package codec

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/proto"
)

// Personal data of the test workflow. Each must stay out of every payload
// Temporal stores.
const (
	email = "zoë.müller@example.com"
	phone = "+86 138 0013 8000"
)

// secrets are the plaintexts checked for; multi-part ones are split at
// commas by containsPlaintext.
var secrets = []string{address, email, phone}

// delivery is the input of deliverWorkflow.
type delivery struct {
	Address string
	// Fail makes the workflow fail with an error quoting the address.
	Fail bool
}

// deliverWorkflow waits for a "phone" signal, prints a label with an
// activity and returns it; its "label" query returns the label too.
func deliverWorkflow(ctx workflow.Context, d delivery) (string, error) {
	var label string
	if err := workflow.SetQueryHandler(ctx, "label", func() (string, error) { return label, nil }); err != nil {
		return "", err
	}
	var phone string
	workflow.GetSignalChannel(ctx, "phone").Receive(ctx, &phone)
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	if err := workflow.ExecuteActivity(ctx, printLabel, d.Address, phone).Get(ctx, &label); err != nil {
		return "", err
	}
	if d.Fail {
		return "", temporal.NewNonRetryableApplicationError("cannot deliver to "+d.Address, "Undeliverable", nil)
	}
	return label, nil
}

// printLabel returns a shipping label.
func printLabel(_ context.Context, address, phone string) (string, error) {
	return "LABEL " + address + " / " + phone, nil
}

// wireRecorder is a PayloadCodec placed outermost in a data converter: it
// records the payloads as they leave for and arrive from the server.
type wireRecorder struct {
	mu   sync.Mutex
	seen []*commonpb.Payload
}

func (r *wireRecorder) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	r.record(ps)
	return ps, nil
}

func (r *wireRecorder) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	r.record(ps)
	return ps, nil
}

func (r *wireRecorder) record(ps []*commonpb.Payload) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range ps {
		r.seen = append(r.seen, proto.Clone(p).(*commonpb.Payload))
	}
}

// containsPlaintext returns the parts of secrets found in b.
func containsPlaintext(b []byte) []string {
	var found []string
	for _, s := range secrets {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); strings.Contains(string(b), part) {
				found = append(found, part)
			}
		}
	}
	return found
}

func TestWorkflowWithCodecDataConverter(t *testing.T) {
	keys := mustKeyring(t, "k1:"+std(randomKey(t)))
	tests := []struct {
		name    string
		fail    bool
		want    string
		wantErr string
	}{
		{name: "completes", want: "LABEL " + address + " / " + phone},
		{name: "fails quoting the address", fail: true, wantErr: "cannot deliver to " + address},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &wireRecorder{}
			dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), rec, NewCodec(keys))
			var s testsuite.WorkflowTestSuite
			s.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler)))
			env := s.NewTestWorkflowEnvironment()
			env.SetDataConverter(dc)
			env.SetFailureConverter(NewFailureConverter(dc))
			env.RegisterWorkflow(deliverWorkflow)
			env.RegisterActivity(printLabel)
			env.RegisterDelayedCallback(func() { env.SignalWorkflow("phone", phone) }, time.Second)

			env.ExecuteWorkflow(deliverWorkflow, delivery{Address: address, Fail: tt.fail})

			if !env.IsWorkflowCompleted() {
				t.Fatal("the workflow did not complete")
			}
			if tt.fail {
				err := env.GetWorkflowError()
				var appErr *temporal.ApplicationError
				if !errors.As(err, &appErr) || appErr.Type() != "Undeliverable" {
					t.Fatalf("workflow error %v, want an Undeliverable ApplicationError", err)
				}
				if diff := cmp.Diff(tt.wantErr, appErr.Message()); diff != "" {
					t.Errorf("decoded error message (-want +got):\n%s", diff)
				}
			} else {
				var got string
				if err := env.GetWorkflowResult(&got); err != nil {
					t.Fatalf("GetWorkflowResult: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("decoded result (-want +got):\n%s", diff)
				}
				q, err := env.QueryWorkflow("label")
				if err != nil {
					t.Fatalf("QueryWorkflow: %v", err)
				}
				var label string
				if err := q.Get(&label); err != nil || label != tt.want {
					t.Errorf("query result %q, %v; want %q", label, err, tt.want)
				}
			}

			// Input, signal, activity arguments and result, query result,
			// workflow result or failure: each crossed the wire encrypted.
			if len(rec.seen) < 5 {
				t.Fatalf("only %d payloads crossed the wire", len(rec.seen))
			}
			assertCiphertext(t, rec.seen, "k1")
			for i, p := range rec.seen {
				raw, _ := proto.Marshal(p)
				if found := containsPlaintext(raw); len(found) > 0 {
					t.Errorf("wire payload %d holds plaintext %q", i, found)
				}
			}
		})
	}
}

// TestFailureConverterEncryptsMessages checks the failure proto itself: its
// message and stack trace are ciphertext, and the converter restores them.
func TestFailureConverterEncryptsMessages(t *testing.T) {
	dc := NewDataConverter(mustKeyring(t, "k1:"+std(randomKey(t))))
	msg := "cannot deliver to " + address
	cause := temporal.NewApplicationError("courier refused "+email, "Refused")
	err := temporal.NewApplicationErrorWithCause(msg, "Undeliverable", cause, phone)

	t.Run("with NewFailureConverter", func(t *testing.T) {
		fc := NewFailureConverter(dc)
		f := fc.ErrorToFailure(err)
		if got := f.GetMessage(); got != "Encoded failure" {
			t.Errorf("stored message %q, want %q", got, "Encoded failure")
		}
		raw, _ := proto.Marshal(f)
		if found := containsPlaintext(raw); len(found) > 0 {
			t.Errorf("the failure holds plaintext %q", found)
		}
		assertCiphertext(t, []*commonpb.Payload{f.GetEncodedAttributes(), f.GetCause().GetEncodedAttributes()}, "k1")

		back := fc.FailureToError(f)
		var appErr *temporal.ApplicationError
		if !errors.As(back, &appErr) {
			t.Fatalf("FailureToError = %T, want an ApplicationError", back)
		}
		var detail string
		if err := appErr.Details(&detail); err != nil {
			t.Fatalf("Details: %v", err)
		}
		var causeErr *temporal.ApplicationError
		if !errors.As(errors.Unwrap(back), &causeErr) {
			t.Fatalf("cause %T, want an ApplicationError", errors.Unwrap(back))
		}
		got := []string{appErr.Message(), appErr.Type(), detail, causeErr.Message()}
		want := []string{msg, "Undeliverable", phone, "courier refused " + email}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decoded failure (-want +got):\n%s", diff)
		}
	})
	t.Run("the default failure converter leaves messages plain", func(t *testing.T) {
		f := temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: dc}).ErrorToFailure(err)
		if got := f.GetMessage(); got != msg {
			t.Errorf("stored message %q, want the plaintext %q", got, msg)
		}
		// Details are payloads, so the data converter encrypts them anyway.
		assertCiphertext(t, f.GetApplicationFailureInfo().GetDetails().GetPayloads(), "k1", phone)
	})
}

// splitCodec encodes with one codec and decodes with another: a client
// with the new keyring and a worker with an outdated one.
type splitCodec struct{ enc, dec converter.PayloadCodec }

func (s splitCodec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	return s.enc.Encode(ps)
}
func (s splitCodec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	return s.dec.Decode(ps)
}

// TestWorkerWithoutTheKey: a worker that cannot decrypt the input fails the
// workflow task (which a server retries), not the workflow.
func TestWorkerWithoutTheKey(t *testing.T) {
	k1, k2 := std(randomKey(t)), std(randomKey(t))
	client := NewCodec(mustKeyring(t, "k2:"+k2+",k1:"+k1))
	worker := NewCodec(mustKeyring(t, "k1:"+k1))
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := s.NewTestWorkflowEnvironment()
	env.SetDataConverter(converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), splitCodec{client, worker}))
	env.RegisterWorkflow(deliverWorkflow)
	env.RegisterActivity(printLabel)

	env.ExecuteWorkflow(deliverWorkflow, delivery{Address: address})

	err := env.GetWorkflowError()
	var taskFailure *converter.WorkflowTaskFailureError
	if !errors.As(err, &taskFailure) || !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("workflow error %v, want a workflow task failure for an unknown key", err)
	}
	if !strings.Contains(err.Error(), `unknown encryption key "k2"`) {
		t.Errorf("workflow error %q does not name key k2", err)
	}
}
