package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running sandbox gateway: its store, its HTTP API and its
// background settlement and webhook delivery.
type Server struct {
	opts    Options
	ledger  *ledger
	closeDB func()

	wakeCh  chan struct{}
	running atomic.Bool
	// sending counts the delivery goroutines; inFlight holds their
	// delivery ids.
	sending  sync.WaitGroup
	mu       sync.Mutex
	inFlight map[int64]struct{}
}

// New opens (and migrates) the sandbox's store and returns the server. It
// does no background work until Serve or Run. Close releases the store.
func New(opts Options) (*Server, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, closeDB, err := openStore(ctx, o)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     o,
		closeDB:  closeDB,
		wakeCh:   make(chan struct{}, 1),
		inFlight: map[int64]struct{}{},
	}
	s.ledger = &ledger{db: db, now: o.Now, settleDelay: o.SettleDelay, webhooks: o.WebhookURL != "", wake: s.wake}
	return s, nil
}

// Close releases the store (unless Options.DB was given). Call it after
// Serve or Run returned.
func (s *Server) Close() error {
	if s.running.Load() {
		return errors.New("sandbox: close while running")
	}
	if s.closeDB != nil {
		s.closeDB()
		s.closeDB = nil
	}
	return nil
}

// Serve answers the HTTP API on ln and runs the background work (Run)
// until ctx ends; then it stops accepting requests, lets those under way
// finish (for a few seconds at most), stops the webhook deliveries, and
// returns nil. It returns early with an error if the listener fails or
// the server already runs.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	// Run stops after the HTTP server, so that no request creates work
	// for a loop that is gone.
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	ran := make(chan error, 1)
	go func() { ran <- s.Run(runCtx) }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultShutdownGracePeriod)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			_ = srv.Close()
		}
		<-served
		stopRun()
		return <-ran
	case err := <-served:
		stopRun()
		<-ran
		return fmt.Errorf("sandbox: serve: %w", err)
	case err := <-ran: // Run could not start
		_ = srv.Close()
		<-served
		return err
	}
}
