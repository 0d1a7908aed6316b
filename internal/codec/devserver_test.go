package codec

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/proto"
)

// temporalCLIEnv names the Temporal CLI binary TestDevServer runs (`make
// test` sets it to bin/temporal).
const temporalCLIEnv = "TEMPOMALL_TEMPORAL_CLI"

// TestDevServer runs deliverWorkflow on a real Temporal dev server with the
// codec data and failure converters, then reads the stored history without
// a codec (it must hold no plaintext), through the codec server (it must
// decode) and with `temporal workflow show --codec-endpoint --codec-auth`.
func TestDevServer(t *testing.T) {
	cli := os.Getenv(temporalCLIEnv)
	if cli == "" {
		t.Skipf("set %s to a Temporal CLI binary to run against a dev server", temporalCLIEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dev, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: cli, LogLevel: "error", Stdout: io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		t.Fatalf("start the dev server: %v", err)
	}
	defer func() { _ = dev.Stop() }()

	keysSpec := "k1:" + std(randomKey(t))
	keys := mustKeyring(t, keysSpec)
	dc := NewDataConverter(keys)
	c, err := client.Dial(client.Options{
		HostPort: dev.FrontendHostPort(), DataConverter: dc, FailureConverter: NewFailureConverter(dc),
		Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const queue = "codec-test"
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflow(deliverWorkflow)
	w.RegisterActivity(printLabel)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	srv := httptest.NewServer(mustHandler(t, NewCodec(keys), HandlerOptions{
		Prefix: "/codec", Authorize: adminsOnly, Namespace: "default",
	}))
	defer srv.Close()

	// run starts deliverWorkflow, signals it and returns its decoded result
	// or error message.
	run := func(t *testing.T, id string, fail bool) string {
		t.Helper()
		wr, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: id, TaskQueue: queue, Memo: map[string]any{"contact": email},
		}, deliverWorkflow, delivery{Address: address, Fail: fail})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SignalWorkflow(ctx, id, "", "phone", phone); err != nil {
			t.Fatal(err)
		}
		var result string
		if err := wr.Get(ctx, &result); err != nil {
			if !fail {
				t.Fatalf("workflow: %v", err)
			}
			return err.Error()
		}
		return result
	}

	for _, tt := range []struct {
		name string
		fail bool
		want string
	}{
		{"completed", false, "LABEL " + address + " / " + phone},
		{"failed", true, "cannot deliver to " + address},
	} {
		t.Run(tt.name, func(t *testing.T) {
			id := "codec-" + tt.name
			if got := run(t, id, tt.fail); !strings.Contains(got, tt.want) {
				t.Fatalf("decoded outcome %q does not contain %q", got, tt.want)
			}

			// The stored history, read with a plain client: no plaintext in
			// any byte of it, and payloads encrypted.
			history := rawHistory(ctx, t, dev.Client(), id)
			raw, err := proto.Marshal(history)
			if err != nil {
				t.Fatal(err)
			}
			if found := containsPlaintext(raw); len(found) > 0 {
				t.Errorf("the stored history holds plaintext %q", found)
			}
			desc, err := dev.Client().DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			assertCiphertext(t, []*commonpb.Payload{desc.GetWorkflowExecutionInfo().GetMemo().GetFields()["contact"]}, "k1", email)
			var n int
			if err := proxy.VisitPayloads(ctx, history, proxy.VisitPayloadsOptions{
				Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
					n += len(ps)
					assertCiphertext(t, ps, "k1")
					return ps, nil
				},
			}); err != nil {
				t.Fatal(err)
			}
			if n < 5 {
				t.Errorf("only %d payloads in the history", n)
			}

			// Through the codec server, as the CLI calls it: every secret
			// is back.
			remote := remoteCodec(srv.URL+"/codec", "Bearer "+testToken, "default")
			if err := proxy.VisitPayloads(ctx, history, proxy.VisitPayloadsOptions{
				Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
					return remote.Decode(ps)
				},
			}); err != nil {
				t.Fatalf("decode through the codec server: %v", err)
			}
			decoded, _ := proto.Marshal(history)
			for _, s := range []string{"Baker Street 221B", phone, email} {
				if !bytes.Contains(decoded, []byte(s)) {
					t.Errorf("the decoded history lacks %q", s)
				}
			}

			// The temporal CLI, as operators run it: --detailed prints every
			// payload, --codec-endpoint and --codec-auth decode them.
			codecFlags := []string{"--codec-endpoint", srv.URL + "/codec", "--codec-auth", "Bearer " + testToken}
			if found := containsPlaintext([]byte(show(ctx, t, cli, dev.FrontendHostPort(), id, "--detailed"))); len(found) > 0 {
				t.Errorf("workflow show without the codec shows %q", found)
			}
			out := show(ctx, t, cli, dev.FrontendHostPort(), id, append(codecFlags, "--detailed")...)
			want := []string{
				"input[0].Address: " + address, // workflow input
				"memo.fields.contact: " + email,
				"input[0]: " + phone,          // signal
				"input[1]: " + phone,          // activity argument
				"result[0]: LABEL " + address, // activity result
			}
			if tt.fail {
				want = append(want, "failure.message: Encoded failure", "failure.encodedAttributes.message: cannot deliver to "+address)
			} else {
				want = append(want, "Result          \"LABEL "+address)
			}
			for _, s := range want {
				if !strings.Contains(out, s) {
					t.Errorf("workflow show --codec-endpoint lacks %q:\n%s", s, out)
				}
			}
		})
	}

	// Rotation gone wrong: a client encrypts with a new key k2 that the
	// worker lacks. The workflow task fails (naming the key) and the
	// workflow waits; a worker with the new keyring completes it.
	t.Run("worker without the new key", func(t *testing.T) {
		const queue = "codec-rotation"
		oldWorker := worker.New(c, queue, worker.Options{})
		oldWorker.RegisterWorkflow(deliverWorkflow)
		oldWorker.RegisterActivity(printLabel)
		if err := oldWorker.Start(); err != nil {
			t.Fatal(err)
		}
		stopped := false
		stopOld := func() {
			if !stopped {
				stopped = true
				oldWorker.Stop()
			}
		}
		defer stopOld()

		newKeys := mustKeyring(t, "k2:"+std(randomKey(t))+",k1:"+strings.TrimPrefix(keysSpec, "k1:"))
		newDC := NewDataConverter(newKeys)
		c2, err := client.NewClientFromExisting(c, client.Options{
			DataConverter: newDC, FailureConverter: NewFailureConverter(newDC),
			Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler)),
		})
		if err != nil {
			t.Fatal(err)
		}
		const id = "codec-rotation"
		wr, err := c2.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, deliverWorkflow, delivery{Address: address})
		if err != nil {
			t.Fatal(err)
		}
		if err := c2.SignalWorkflow(ctx, id, "", "phone", phone); err != nil {
			t.Fatal(err)
		}
		var taskFailure error
		for taskFailure == nil && ctx.Err() == nil {
			for _, e := range rawHistory(ctx, t, dev.Client(), id).GetEvents() {
				if f := e.GetWorkflowTaskFailedEventAttributes().GetFailure(); f != nil {
					taskFailure = NewFailureConverter(dc).FailureToError(f)
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		if taskFailure == nil || !strings.Contains(taskFailure.Error(), `unknown encryption key "k2"`) {
			t.Fatalf("workflow task failure %v, want one naming key k2", taskFailure)
		}
		stopOld()

		newWorker := worker.New(c2, queue, worker.Options{})
		newWorker.RegisterWorkflow(deliverWorkflow)
		newWorker.RegisterActivity(printLabel)
		if err := newWorker.Start(); err != nil {
			t.Fatal(err)
		}
		defer newWorker.Stop()
		start := time.Now()
		var got string
		if err := wr.Get(ctx, &got); err != nil || !strings.Contains(got, address) {
			t.Fatalf("after the keyring fix: %q, %v", got, err)
		}
		t.Logf("completed %v after the worker got the new key", time.Since(start).Round(time.Millisecond))
	})

	// The CLI passes --codec-auth as the Authorization header: without it,
	// or for a namespace the server does not serve, the codec server
	// refuses and the CLI retries until its deadline, showing nothing.
	t.Run("refusals", func(t *testing.T) {
		other := httptest.NewServer(mustHandler(t, NewCodec(keys), HandlerOptions{
			Prefix: "/codec", Authorize: adminsOnly, Namespace: "tempomall",
		}))
		defer other.Close()
		for _, args := range [][]string{
			{"--codec-endpoint", srv.URL + "/codec"},
			{"--codec-endpoint", srv.URL + "/codec", "--codec-auth", "Bearer customer-token"},
			{"--codec-endpoint", other.URL + "/codec", "--codec-auth", "Bearer " + testToken},
		} {
			cmd := exec.CommandContext(ctx, cli, append([]string{"workflow", "show", "-w", "codec-completed", "--detailed",
				"--address", dev.FrontendHostPort(), "--disable-config-file", "--disable-config-env", "--command-timeout", "2s"}, args...)...)
			cmd.Env = []string{"HOME=" + t.TempDir()}
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "context deadline exceeded") {
				t.Errorf("temporal %v: %v\n%s", args, err, out)
			}
			if found := containsPlaintext(out); len(found) > 0 {
				t.Errorf("temporal %v shows %q", args, found)
			}
		}
	})
}

// show runs `temporal workflow show -w id` against addr with args and
// returns its output. No --namespace: the CLI's default, "default".
func show(ctx context.Context, t *testing.T, cli, addr, id string, args ...string) string {
	t.Helper()
	args = append([]string{"workflow", "show", "-w", id, "--address", addr,
		"--disable-config-file", "--disable-config-env"}, args...)
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Env = []string{"HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("temporal %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// rawHistory returns the full stored history of workflow id.
func rawHistory(ctx context.Context, t *testing.T, c client.Client, id string) *historypb.History {
	t.Helper()
	h := &historypb.History{}
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}

// mustHandler is NewHandler or a failed test.
func mustHandler(t *testing.T, c converter.PayloadCodec, opts HandlerOptions) http.Handler {
	t.Helper()
	h, err := NewHandler(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
