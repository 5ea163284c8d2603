// Package domain holds the portfolio model of Parcours: aggregates, events,
// value objects and business rules, as pure functions decide(state, command)
// → events and evolve(state, event) → state. It does no I/O and reads no
// clock: time is passed in. It imports only the standard library.
package domain
