//go:build race

package receiver

// raceEnabled shrinks the load tests: the pure-Go SQLite is slow under the
// race detector.
const raceEnabled = true
