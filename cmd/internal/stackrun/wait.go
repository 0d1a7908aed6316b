package stackrun

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"
)

// WaitTCP waits until addr accepts connections, giving up after within or
// when exited reports true.
func WaitTCP(ctx context.Context, addr string, within time.Duration, exited func() bool) error {
	return poll(ctx, within, exited, "listening on "+addr, func() bool {
		c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
}

// WaitReady waits until GET url (a process's /readyz) answers 200, giving
// up after within or when exited reports true.
func WaitReady(ctx context.Context, url string, within time.Duration, exited func() bool) error {
	hc := &http.Client{Timeout: time.Second}
	return poll(ctx, within, exited, "ready at "+url, func() bool {
		resp, err := hc.Get(url)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func poll(ctx context.Context, within time.Duration, exited func() bool, what string, ok func() bool) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		if ok() {
			return nil
		}
		if exited() {
			return fmt.Errorf("exited before %s", what)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not %s after %s", what, within)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// RunOnce runs a one-shot command (tempomall migrate, seed, setup-temporal)
// to its end within two minutes, its output appended to logPath.
func RunOnce(ctx context.Context, env []string, logPath, bin string, args ...string) error {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, f, f
	cmd.SysProcAttr = ChildAttrs()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %v: %w (log: %s)", bin, args, err, logPath)
	}
	return nil
}
