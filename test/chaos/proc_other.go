//go:build !linux

package chaos

import "syscall"

// dieWithParent is a no-op where the kernel cannot tie a child's life to
// its parent's; Run still kills every node it started when it returns.
func dieWithParent() *syscall.SysProcAttr { return nil }
