// Package replay checks that the workflow code still replays the histories
// recorded from real runs (workflows/testdata, recorded with `make
// record-histories`). A change that would break running workflows (a
// reordered activity, a removed timer, a new command without versioning)
// fails here, in `make test`.
package replay

import (
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/schedules"
)

func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories in workflows/testdata (%v)", err)
	}
	r := worker.NewWorkflowReplayer()
	order.Register(r)
	schedules.Register(r)
	// Every workflow type needs a recorded history, or a change to it
	// would pass unchecked. File names are <case>.<type>.<run>.json.
	recorded := map[string]bool{}
	for _, f := range files {
		if parts := strings.Split(filepath.Base(f), "."); len(parts) == 4 {
			recorded[parts[1]] = true
		}
	}
	for _, typ := range []string{order.WorkflowType, "ReconcilePayments", "PurgeCheckouts"} {
		if !recorded[typ] {
			t.Errorf("no recorded history of %s: run make record-histories", typ)
		}
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Errorf("replay: %v", err)
			}
		})
	}
}
