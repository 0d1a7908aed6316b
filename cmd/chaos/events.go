package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// eventLog records what happens during a run (kills, restarts, phases),
// stamped with the time since the start, to events.log in the run's
// directory and, with -v or when loud, to stdout.
type eventLog struct {
	mu      sync.Mutex
	began   time.Time
	file    io.Writer
	verbose bool
}

func newEventLog(path string, verbose bool) (*eventLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &eventLog{began: time.Now(), file: f, verbose: verbose}, nil
}

func (l *eventLog) line(format string, args []any) string {
	return fmt.Sprintf("[%7.1fs] %s\n", time.Since(l.began).Seconds(), fmt.Sprintf(format, args...))
}

// Printf records an event; it reaches stdout with -v only.
func (l *eventLog) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.line(format, args)
	_, _ = io.WriteString(l.file, s)
	if l.verbose {
		_, _ = io.WriteString(os.Stdout, s)
	}
}

// Say records an event and prints it.
func (l *eventLog) Say(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.line(format, args)
	_, _ = io.WriteString(l.file, s)
	_, _ = io.WriteString(os.Stdout, s)
}

// elapsed is the time since the run began.
func (l *eventLog) elapsed() time.Duration { return time.Since(l.began) }
