//go:build !linux

package stackrun

import "syscall"

// ChildAttrs puts a child in a process group of its own, so that a kill
// reaches all of it.
func ChildAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
