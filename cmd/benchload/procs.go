package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tempomall/tempomall/cmd/internal/stackrun"
)

// proc is one process of the benchmark, in a process group of its own,
// its output in a log file.
type proc struct {
	name string
	// ready is its /readyz URL ("" for none).
	ready string
	cmd   *exec.Cmd
	log   *os.File
	done  chan struct{}
}

// procs are the benchmark's processes; stopAll ends every one of them.
type procs struct {
	mu   sync.Mutex
	list []*proc
	dir  string // logs
}

// start starts bin with args and env, its output in dir/NAME.log.
func (ps *procs) start(name, bin string, args, env []string, ready string) (*proc, error) {
	f, err := os.OpenFile(filepath.Join(ps.dir, strings.ReplaceAll(name, " ", "-")+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
	cmd.SysProcAttr = stackrun.ChildAttrs()
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, ready: ready, cmd: cmd, log: f, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	ps.mu.Lock()
	ps.list = append(ps.list, p)
	ps.mu.Unlock()
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady waits for its /readyz, or for addr to listen when it has none.
func (p *proc) waitReady(ctx context.Context, addr string, within time.Duration) error {
	var err error
	if p.ready != "" {
		err = stackrun.WaitReady(ctx, p.ready, within, p.exited)
	} else {
		err = stackrun.WaitTCP(ctx, addr, within, p.exited)
	}
	if err != nil {
		return fmt.Errorf("%s: %w (log: %s)", p.name, err, p.log.Name())
	}
	return nil
}

// stop ends the process group: SIGTERM, SIGKILL after grace.
func (p *proc) stop(grace time.Duration) {
	if !p.exited() {
		_ = syscall.Kill(-p.pid(), syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(grace):
			_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
			<-p.done
		}
	}
	_ = p.log.Close()
}

// stopAll stops every process: all at once but Temporal, which goes
// last.
func (ps *procs) stopAll() {
	ps.mu.Lock()
	list := ps.list
	ps.list = nil
	ps.mu.Unlock()
	var wg sync.WaitGroup
	var temporal *proc
	for _, p := range list {
		if p.name == procTemporal {
			temporal = p
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); p.stop(10 * time.Second) }()
	}
	wg.Wait()
	if temporal != nil {
		temporal.stop(10 * time.Second)
	}
}
