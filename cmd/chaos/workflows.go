package main

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/tempomall/tempomall/workflows/search"
)

// workflowInfo is a workflow execution as visibility lists it.
type workflowInfo struct {
	id, runID, typ string
	status         enumspb.WorkflowExecutionStatus
	start          time.Time
	// orderStatus is the OrderStatus search attribute ("" when unset).
	orderStatus string
}

// listWorkflows lists the executions a visibility query matches.
func listWorkflows(ctx context.Context, tc client.Client, query string) ([]workflowInfo, error) {
	var out []workflowInfo
	var token []byte
	dc := converter.GetDefaultDataConverter()
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: 1000})
		if err != nil {
			return nil, fmt.Errorf("list workflows %q: %w", query, err)
		}
		for _, e := range resp.GetExecutions() {
			w := workflowInfo{
				id: e.GetExecution().GetWorkflowId(), runID: e.GetExecution().GetRunId(), typ: e.GetType().GetName(),
				status: e.GetStatus(), start: e.GetStartTime().AsTime(),
			}
			if p := e.GetSearchAttributes().GetIndexedFields()[search.OrderStatus.GetName()]; p != nil {
				_ = dc.FromPayload(p, &w.orderStatus)
			}
			out = append(out, w)
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return out, nil
		}
	}
}

// stuckReasons describes what keeps a running workflow from progressing:
// a workflow task that fails again and again, or an activity retried many
// times.
func stuckReasons(ctx context.Context, tc client.Client, w workflowInfo, maxActivityAttempts int32) ([]string, error) {
	d, err := tc.DescribeWorkflowExecution(ctx, w.id, w.runID)
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", w.id, err)
	}
	var out []string
	if t := d.GetPendingWorkflowTask(); t != nil && t.GetAttempt() > 1 {
		out = append(out, fmt.Sprintf("workflow task failing (attempt %d)", t.GetAttempt()))
	}
	for _, a := range d.GetPendingActivities() {
		if a.GetAttempt() > maxActivityAttempts {
			msg := ""
			if f := a.GetLastFailure(); f != nil {
				msg = ": " + f.GetMessage()
			}
			out = append(out, fmt.Sprintf("activity %s at attempt %d%s", a.GetActivityType().GetName(), a.GetAttempt(), msg))
		}
	}
	return out, nil
}

// workflowsHealthy: no workflow failed, timed out or was terminated or
// cancelled (a refused placement ends its workflow normally), and no
// running one is stuck: its workflow task failing, an activity retried
// again and again, or a job running longer than its timers allow. (Order
// workflows run through the refund window of their paid orders.)
func (a *auditor) workflowsHealthy(ctx context.Context) *invariant {
	inv := &invariant{name: "no failed or stuck workflows"}
	maxAge := map[string]time.Duration{
		"ReconcilePayments": 5 * time.Minute,
		"PurgeCheckouts":    5 * time.Minute,
	}
	for _, w := range a.workflows {
		inv.checked++
		switch w.status {
		case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
			if limit, ok := maxAge[w.typ]; ok && a.now.Sub(w.start) > limit {
				inv.violate("%s %s has run for %s", w.typ, w.id, a.now.Sub(w.start).Round(time.Second))
			}
			reasons, err := stuckReasons(ctx, a.temporal, w, 3)
			if err != nil {
				inv.violate("%v", err)
			}
			for _, r := range reasons {
				inv.violate("%s %s: %s", w.typ, w.id, r)
			}
		case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
			err := a.temporal.GetWorkflow(ctx, w.id, w.runID).Get(ctx, nil)
			inv.violate("%s %s failed: %v", w.typ, w.id, err)
		default:
			inv.violate("%s %s is %s", w.typ, w.id, w.status)
		}
	}
	return inv
}
