package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tempomall/tempomall/cmd/internal/stackrun"
	"github.com/tempomall/tempomall/internal/crashpoint"
)

// process is one part of the system run as an OS process and kept alive:
// when it exits (killed by the killer, at a crash point, or on its own)
// it is started again after a pause, until stop.
type process struct {
	name string
	bin  string
	args []string
	// env returns the environment of the next start (the worker's changes
	// with its crash points).
	env func() []string
	// addr is the TCP address it listens on when ready ("" for none).
	addr string
	log  *os.File
	// events reports starts and exits (nil: silent).
	events func(format string, args ...any)
	// onExit is told how each run ended (the killer counts crash points).
	onExit func(exitInfo)

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when the current run has exited
	pause   time.Duration // before the next start
	killed  bool          // the current run was killed by us
	stopped bool
	last    exitInfo // how the last run ended
	keeper  sync.WaitGroup
}

// exitInfo says how a run of a process ended.
type exitInfo struct {
	name string
	// killed: by the harness (SIGKILL); crashPoint: the point it exited
	// at; code: its exit status (-1 when killed by a signal).
	killed     bool
	crashPoint string
	code       int
	ran        time.Duration
}

func newProcess(name, bin string, args []string, env func() []string, addr, logPath string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &process{name: name, bin: bin, args: args, env: env, addr: addr, log: f}, nil
}

// keep starts the process and keeps it running until stop.
func (p *process) keep() error {
	if err := p.start(); err != nil {
		return err
	}
	p.keeper.Add(1)
	go func() {
		defer p.keeper.Done()
		for {
			info := p.wait()
			if p.onExit != nil {
				p.onExit(info)
			}
			p.mu.Lock()
			stopped, pause := p.stopped, p.pause
			p.pause = 0
			p.mu.Unlock()
			if stopped {
				return
			}
			if !info.killed && info.crashPoint == "" {
				p.logf("%s exited on its own (status %d after %s); restarting", p.name, info.code, info.ran.Round(time.Millisecond))
			}
			if pause == 0 {
				pause = time.Second
			}
			time.Sleep(pause)
			for {
				err := p.start()
				if errors.Is(err, errStopped) {
					return
				}
				if err == nil {
					break
				}
				p.logf("restart %s: %v", p.name, err)
				time.Sleep(time.Second)
			}
		}
	}()
	return nil
}

// errStopped: the process was stopped for good.
var errStopped = errors.New("stopped")

// start runs the process once, unless it was stopped.
func (p *process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return errStopped
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = p.env()
	cmd.Stdout = p.log
	watch := &crashWatcher{out: p.log}
	cmd.Stderr = watch
	cmd.SysProcAttr = stackrun.ChildAttrs()
	fmt.Fprintf(p.log, "\n=== chaos: start %s %s (%s)\n", p.bin, strings.Join(p.args, " "), time.Now().Format(time.RFC3339Nano))
	if err := cmd.Start(); err != nil {
		return err
	}
	p.cmd, p.killed, p.done = cmd, false, make(chan struct{})
	started, done := time.Now(), p.done
	go func() {
		err := cmd.Wait()
		info := exitInfo{name: p.name, code: 0, ran: time.Since(started), crashPoint: watch.point()}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			info.code = ee.ExitCode()
		}
		p.mu.Lock()
		info.killed = p.killed
		p.last = info
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// wait blocks until the current run exits and returns how it ended.
func (p *process) wait() exitInfo {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	<-done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// kill sends SIGKILL to the running process (its process group) and asks
// for a restart after pause. It reports whether a process was running.
func (p *process) kill(pause time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil || isClosed(p.done) {
		return false
	}
	p.killed, p.pause = true, pause
	fmt.Fprintf(p.log, "=== chaos: SIGKILL (%s)\n", time.Now().Format(time.RFC3339Nano))
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	return true
}

// restart stops the running process gracefully (SIGTERM, SIGKILL after
// grace) and has its keeper start it again at once. It reports whether a
// process was running.
func (p *process) restart(grace time.Duration) bool {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	if cmd == nil || cmd.Process == nil || isClosed(done) {
		p.mu.Unlock()
		return false
	}
	p.killed, p.pause = true, 100*time.Millisecond
	fmt.Fprintf(p.log, "=== chaos: SIGTERM to restart (%s)\n", time.Now().Format(time.RFC3339Nano))
	p.mu.Unlock()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	return true
}

// stop ends the process for good: SIGTERM, then SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	p.mu.Lock()
	p.stopped = true
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd != nil && cmd.Process != nil && !isClosed(done) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(grace):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	p.keeper.Wait()
	_ = p.log.Close()
}

// running reports whether the process runs now.
func (p *process) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !isClosed(p.done)
}

// waitReady waits until the process accepts TCP connections on its
// address (when it has one). With starting, it fails as soon as the
// process has exited; otherwise a process waiting to be restarted is
// waited for.
func (p *process) waitReady(ctx context.Context, within time.Duration, starting bool) error {
	if p.addr == "" {
		return nil
	}
	exited := func() bool { return false }
	if starting {
		exited = func() bool { return !p.running() }
	}
	if err := stackrun.WaitTCP(ctx, p.addr, within, exited); err != nil {
		return fmt.Errorf("%s: %w (log: %s)", p.name, err, p.log.Name())
	}
	return nil
}

func (p *process) logf(format string, args ...any) {
	if p.events != nil {
		p.events(format, args...)
	}
}

func isClosed(ch chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// crashWatcher copies a process's stderr to its log and remembers the
// crash point it announced (crashpoint.Notice), if any.
type crashWatcher struct {
	out  io.Writer
	mu   sync.Mutex
	tail []byte
	name string
}

func (w *crashWatcher) Write(b []byte) (int, error) {
	w.mu.Lock()
	w.tail = append(w.tail, b...)
	for {
		i := strings.IndexByte(string(w.tail), '\n')
		if i < 0 {
			break
		}
		line := string(w.tail[:i])
		w.tail = w.tail[i+1:]
		if rest, ok := strings.CutPrefix(line, crashpoint.Notice); ok {
			w.name, _, _ = strings.Cut(rest, ":")
		}
	}
	if len(w.tail) > 4096 {
		w.tail = w.tail[len(w.tail)-4096:]
	}
	w.mu.Unlock()
	return w.out.Write(b)
}

func (w *crashWatcher) point() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.name
}
