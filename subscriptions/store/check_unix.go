//go:build unix

package store

import "syscall"

// writable reports why the file at path cannot be written by this process:
// its mode, its owner or a read-only file system.
func writable(path string) error {
	const wOK = 2 // W_OK
	return syscall.Access(path, wOK)
}
