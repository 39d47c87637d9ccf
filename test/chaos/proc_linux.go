package chaos

import "syscall"

// dieWithParent makes the kernel kill a node if the runner dies, so no
// node outlives a crashed run.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
