package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that every layer can answer it the same way
// (the HTTP layer maps kinds to statuses in one function).
type Kind uint8

const (
	KindOther     Kind = iota
	KindInvalid        // the command is malformed: a field is missing or wrong
	KindForbidden      // the actor may not do this
	KindNotFound       // the target does not exist (or the actor may not know it does)
	KindConflict       // the current state forbids it (submitted dossier, seat limit, revoked grant …)
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindForbidden:
		return "forbidden"
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	}
	return "error"
}

// Error is a domain refusal: its kind, the field at fault (if any) and why,
// in words meant for the person who sent the command.
type Error struct {
	Kind   Kind
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Kind, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) and friends match by kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Field == "" && t.Reason == "" && t.Kind == e.Kind
}

// Sentinels to test kinds with errors.Is.
var (
	ErrInvalid   = &Error{Kind: KindInvalid}
	ErrForbidden = &Error{Kind: KindForbidden}
	ErrNotFound  = &Error{Kind: KindNotFound}
	ErrConflict  = &Error{Kind: KindConflict}
)

// KindOf returns the kind of err (KindOther if it is not a domain error).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

func invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func forbidden(format string, args ...any) error {
	return &Error{Kind: KindForbidden, Reason: fmt.Sprintf(format, args...)}
}

func notFound(field, format string, args ...any) error {
	return &Error{Kind: KindNotFound, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &Error{Kind: KindConflict, Reason: fmt.Sprintf(format, args...)}
}
