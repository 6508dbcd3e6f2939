//go:build race

package store

// raceEnabled shrinks the larger tests: the pure-Go SQLite is slow under
// the race detector.
const raceEnabled = true
