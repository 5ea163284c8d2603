//go:build !race

package auditlog_test

// raceStride is 1 without the race detector: every byte.
const raceStride = 1
