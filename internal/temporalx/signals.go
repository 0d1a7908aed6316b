package temporalx

import "go.temporal.io/sdk/workflow"

// Collect appends every value signalled on the named channel to dst, from
// a workflow goroutine, for the workflow's loop to take.
func Collect[T any](ctx workflow.Context, signal string, dst *[]T) {
	ch := workflow.GetSignalChannel(ctx, signal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var v T
			if !ch.Receive(ctx, &v) {
				return
			}
			*dst = append(*dst, v)
		}
	})
}
