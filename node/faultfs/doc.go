// Package faultfs is a test facility: a Pebble vfs.FS wrapper whose writes
// and syncs can be slowed down or made to fail while the store runs, so
// that flotilla's fault-injection suite can give a node a slow or failing
// disk.
//
// It owns only the current Setting (a delay added to every write, sync and
// file creation, and whether those calls fail with an error wrapping
// syscall.EIO); reads, renames, removals and directory listings pass
// through untouched. What a node does about a failing disk is left to its
// store and state machines. A node enables it only with the hidden
// --fault-injection flag of `flotilla serve`; the setting lives in memory,
// so a restart clears it.
//
// Concurrency: an FS and the files it returns are safe for concurrent use
// as far as the wrapped FS and files are; Set may be called at any time
// from any goroutine and takes effect for every call that starts after
// it.
package faultfs
