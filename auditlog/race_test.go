//go:build race

package auditlog_test

// raceStride thins the byte-flip corpus under the race detector, which
// makes each verification about ten times slower.
const raceStride = 10
