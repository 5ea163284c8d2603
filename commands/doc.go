// Package commands holds the command handlers of Parcours: authorize, load
// the aggregate's stream, decide with the domain, append with the expected
// revision, and retry on conflict where the command is safe to re-decide.
package commands
