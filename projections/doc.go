// Package projections builds the read models of Parcours from the global
// log of the event store with Watermill: a subscriber over the log, a router
// with one handler per read model, checkpoints committed with the read
// model, rebuilds and lag.
package projections
