package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/cmd/internal/stackrun"
)

// The bare baselines: one workflow type on its own task queue, served by
// a worker in its own process (benchload bare-worker ADDR NAMESPACE).
const (
	bareWorkerCommand = "bare-worker"
	bareTaskQueue     = "benchload-bare"
	bareUpdate        = "answer"
	bareSignal        = "settled"
)

// bareInput says what one bare workflow does: Before no-op local
// activities before answering the update (the last two at once, as the
// checkout trims the cart while it records the order), then a wait for
// one signal and After more.
type bareInput struct {
	Before, After int
}

// BareWorkflow is the baseline: the least a workflow answering the
// checkout the way OrderLifecycle does could cost. Like the order's, it
// stays open after answering: bare-uws never signals it (on the dev
// server a workflow that completes in the task that answers the update
// answers about 25 ms later, which would flatter tempomall).
func BareWorkflow(ctx workflow.Context, in bareInput) error {
	answered := false
	err := workflow.SetUpdateHandler(ctx, bareUpdate, func(ctx workflow.Context) (string, error) {
		if err := noops(ctx, in.Before, true); err != nil {
			return "", err
		}
		answered = true
		return "answered", nil
	})
	if err != nil {
		return err
	}
	if err := workflow.Await(ctx, func() bool { return answered }); err != nil {
		return err
	}
	workflow.GetSignalChannel(ctx, bareSignal).Receive(ctx, nil)
	return noops(ctx, in.After, false)
}

// noops runs n no-op local activities one after another, the last two at
// once when pairLast.
func noops(ctx workflow.Context, n int, pairLast bool) error {
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
	alone := n
	if pairLast && n >= 2 {
		alone = n - 2
	}
	for range alone {
		if err := workflow.ExecuteLocalActivity(ctx, noop).Get(ctx, nil); err != nil {
			return err
		}
	}
	if alone == n {
		return nil
	}
	a, b := workflow.ExecuteLocalActivity(ctx, noop), workflow.ExecuteLocalActivity(ctx, noop)
	if err := a.Get(ctx, nil); err != nil {
		return err
	}
	return b.Get(ctx, nil)
}

func noop(context.Context) error { return nil }

// runBareWorker serves the bare task queue until SIGTERM.
func runBareWorker(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: benchload bare-worker TEMPORAL_ADDR NAMESPACE")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := stackrun.DialTemporal(ctx, args[0], args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare worker:", err)
		return 1
	}
	defer c.Close()
	w := worker.New(c, bareTaskQueue, worker.Options{})
	w.RegisterWorkflow(BareWorkflow)
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bare worker:", err)
		return 1
	}
	<-ctx.Done()
	w.Stop()
	return 0
}

// bareCall answers one bare Update-With-Start: it starts workflow id and
// waits for the update's answer.
func bareCall(ctx context.Context, c client.Client, id string, in bareInput) error {
	op := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: id, TaskQueue: bareTaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, BareWorkflow, in)
	h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions:          client.UpdateWorkflowOptions{UpdateName: bareUpdate, WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		return err
	}
	var answer string
	return h.Get(ctx, &answer)
}
