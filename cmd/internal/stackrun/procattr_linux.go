package stackrun

import "syscall"

// ChildAttrs puts a child in a process group of its own (so that a kill
// reaches all of it) and has the kernel kill it if the harness dies, so
// that no part of the system outlives a crashed harness.
func ChildAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
