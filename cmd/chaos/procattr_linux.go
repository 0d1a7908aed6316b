package main

import "syscall"

// childAttrs puts a child in a process group of its own (so that a kill
// reaches all of it) and has the kernel kill it if the harness dies, so
// that no part of the system outlives a crashed harness.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
