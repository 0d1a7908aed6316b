package stackrun

import (
	"context"
	"fmt"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/workflows/search"
)

// DevServer says where a Temporal dev server (temporal server start-dev)
// listens and keeps its state.
type DevServer struct {
	Port, HTTPPort, MetricsPort int
	// DBFile is its state file; "" keeps the state in memory.
	DBFile string
	// Namespaces are created besides "default".
	Namespaces []string
}

// Args are the dev server's flags: its ports (on 127.0.0.1, headless), its
// state, and the workflows' search attributes and eager activity
// execution (search.DevServerFlags and the same dynamic config as
// `tempomall dev`).
func (d DevServer) Args() []string {
	args := []string{"server", "start-dev",
		"--ip", "127.0.0.1",
		"--port", strconv.Itoa(d.Port),
		"--http-port", strconv.Itoa(d.HTTPPort),
		"--metrics-port", strconv.Itoa(d.MetricsPort),
		"--headless",
		"--log-level", "warn",
		"--dynamic-config-value", "system.enableActivityEagerExecution=true",
	}
	if d.DBFile != "" {
		args = append(args, "--db-filename", d.DBFile)
	}
	for _, ns := range d.Namespaces {
		args = append(args, "--namespace", ns)
	}
	args = append(args, search.DevServerFlags()...)
	return args
}

// DialTemporal connects to the server at hostPort and waits (up to a
// minute) until it answers for the namespace.
func DialTemporal(ctx context.Context, hostPort, namespace string) (client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		tc, err := client.DialContext(ctx, client.Options{HostPort: hostPort, Namespace: namespace, Logger: QuietLogger{}})
		if err == nil {
			_, err = tc.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
			if err == nil {
				return tc, nil
			}
			tc.Close()
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("temporal at %s: %w", hostPort, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// QuietLogger drops the Temporal SDK's logs: a harness reports what
// matters itself.
type QuietLogger struct{}

func (QuietLogger) Debug(string, ...any) {}
func (QuietLogger) Info(string, ...any)  {}
func (QuietLogger) Warn(string, ...any)  {}
func (QuietLogger) Error(string, ...any) {}

// WaitPollers waits, up to within, until a worker polls each workflow
// task queue; the error names the first queue nobody polls.
func WaitPollers(ctx context.Context, tc client.Client, within time.Duration, queues ...string) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for _, tq := range queues {
		for {
			resp, err := tc.DescribeTaskQueue(ctx, tq, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
			if err == nil && len(resp.GetPollers()) > 0 {
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("no worker polls %s", tq)
			case <-time.After(300 * time.Millisecond):
			}
		}
	}
	return nil
}
