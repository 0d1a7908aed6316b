package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
)

// history reads a workflow's whole history.
func history(ctx context.Context, c client.Client, id string) ([]*historypb.HistoryEvent, error) {
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", id, err)
		}
		events = append(events, e)
	}
	return events, nil
}

// count counts what a history holds.
func count(id string, events []*historypb.HistoryEvent) histCounts {
	h := histCounts{WorkflowID: id, Events: len(events), Executions: 1}
	pending := map[string]bool{}
	for _, e := range events {
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			h.Tasks++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			h.Updates++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			h.Signals++
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			h.Timers++
			pending[e.GetTimerStartedEventAttributes().GetTimerId()] = true
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			delete(pending, e.GetTimerFiredEventAttributes().GetTimerId())
		case enumspb.EVENT_TYPE_TIMER_CANCELED:
			delete(pending, e.GetTimerCanceledEventAttributes().GetTimerId())
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			h.Activities++
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			if e.GetMarkerRecordedEventAttributes().GetMarkerName() == "LocalActivity" {
				h.LocalMarkers++
			}
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			h.Children++
			h.Executions++
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			h.Upserts++
		}
	}
	h.TimersPending = len(pending)
	return h
}

// sampleIDs picks up to n ids spread evenly over ids.
func sampleIDs(ids []string, n int) []string {
	if len(ids) <= n {
		return ids
	}
	out := make([]string, n)
	for i := range n {
		out[i] = ids[i*len(ids)/n]
	}
	return out
}

// histories counts the histories of the workflows ids.
func histories(ctx context.Context, c client.Client, ids []string) ([]histCounts, error) {
	var out []histCounts
	for _, id := range ids {
		events, err := history(ctx, c, id)
		if err != nil {
			return out, err
		}
		out = append(out, count(id, events))
	}
	return out, nil
}

// printTimeline writes every event of one journey's history, in ms from
// its first call (Checkout, or the bare Update-With-Start), with the
// answer and PAID (or the bare workflow's end) as the client saw them.
func printTimeline(w io.Writer, title, id string, start time.Time, answer, done float64, events []*historypb.HistoryEvent) {
	fmt.Fprintf(w, "timeline of %s (%s): ms from the first call; answer at %.1f ms, PAID seen (or done) at %.1f ms\n", title, id, answer, done)
	fmt.Fprintf(w, "  %4s %9s %8s  %s\n", "id", "ms", "step", "event")
	prev := start
	for _, e := range events {
		t := e.GetEventTime().AsTime()
		detail := ""
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			detail = e.GetMarkerRecordedEventAttributes().GetMarkerName()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			detail = e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			detail = e.GetWorkflowExecutionSignaledEventAttributes().GetSignalName()
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			detail = e.GetTimerStartedEventAttributes().GetStartToFireTimeout().AsDuration().String()
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			detail = e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
		}
		fmt.Fprintf(w, "  %4d %9.1f %+8.1f  %s %s\n", e.GetEventId(), ms(t.Sub(start)), ms(t.Sub(prev)), trimEventType(e.GetEventType()), detail)
		prev = t
	}
}

func trimEventType(t enumspb.EventType) string {
	return strings.TrimPrefix(t.String(), "EventType")
}
