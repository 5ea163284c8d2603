//go:build race

package projections_test

// raceEnabled: the race detector slows everything several times over, so
// suites with fixed time limits run their short variants.
const raceEnabled = true
