//go:build !linux

package ratelimit

// bootID is empty where the system gives no boot id: the host name names
// the clock.
func bootID() string { return "" }
