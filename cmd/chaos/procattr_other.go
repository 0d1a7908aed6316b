//go:build !linux

package main

import "syscall"

// childAttrs puts a child in a process group of its own, so that a kill
// reaches all of it.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
