package kurrentdb

import (
	"fmt"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// clientSchemes maps the schemes Open accepts to the ones the v4 client's
// ParseConnectionString knows. KurrentDB is the new name of EventStoreDB;
// the wire protocol and the connection-string settings are the same.
var clientSchemes = map[string]string{
	"esdb":               "esdb",
	"esdb+discover":      "esdb+discover",
	"kurrentdb":          "esdb",
	"kurrentdb+discover": "esdb+discover",
}

// IsConnString reports whether s names a KurrentDB server: it starts with one
// of the schemes Open accepts (case does not matter).
func IsConnString(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	_, known := clientSchemes[strings.ToLower(scheme)]
	return ok && known
}

// clientConnString rewrites s with the scheme the client accepts.
func clientConnString(s string) (string, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "", fmt.Errorf("connection string %s: want esdb://, esdb+discover://, kurrentdb:// or kurrentdb+discover://", Redact(s))
	}
	mapped, known := clientSchemes[strings.ToLower(scheme)]
	if !known {
		return "", fmt.Errorf("connection string %s: scheme %q: want esdb, esdb+discover, kurrentdb or kurrentdb+discover", Redact(s), scheme)
	}
	return mapped + "://" + rest, nil
}

// ClientConfig turns a connection string with any scheme Open accepts into
// the EventStore-Client-Go configuration, for tools that need the raw client
// (benchmarks, operations). Its errors never show the password.
func ClientConfig(s string) (*esdb.Configuration, error) {
	cs, err := clientConnString(s)
	if err != nil {
		return nil, err
	}
	cfg, err := esdb.ParseConnectionString(cs)
	if err != nil {
		return nil, fmt.Errorf("connection string %s: %w", Redact(s), &redactedError{err: err, secret: password(s)})
	}
	return cfg, nil
}

// Redact returns s with the password of its user info, if any, replaced by
// "xxxxx", so that a connection string can be logged.
func Redact(s string) string {
	pw := password(s)
	if pw == "" {
		return s
	}
	scheme, rest, _ := strings.Cut(s, "://")
	at := strings.LastIndex(authority(rest), "@")
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// password returns the password in s's user info, or "".
func password(s string) string {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return ""
	}
	auth := authority(rest)
	at := strings.LastIndex(auth, "@")
	if at < 0 {
		return ""
	}
	_, pw, _ := strings.Cut(auth[:at], ":")
	return pw
}

// authority returns the part of rest (what follows "scheme://") before the
// path or query.
func authority(rest string) string {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return rest[:i]
	}
	return rest
}

// redactedError hides a secret in the message of the error it wraps (the
// client's URL errors quote the whole connection string).
type redactedError struct {
	err    error
	secret string
}

func (e *redactedError) Error() string {
	msg := e.err.Error()
	if e.secret != "" {
		msg = strings.ReplaceAll(msg, e.secret, "xxxxx")
	}
	return msg
}

func (e *redactedError) Unwrap() error { return e.err }
