package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/parcours/parcours/eventstore"
)

// clientExpected maps the contract's expected revision to the client's.
func clientExpected(e eventstore.ExpectedRevision) esdb.ExpectedRevision {
	switch {
	case e.IsNoStream():
		return esdb.NoStream{}
	case e.IsStreamExists():
		return esdb.StreamExists{}
	}
	if n, ok := e.Revision(); ok {
		return esdb.Revision(n)
	}
	return esdb.Any{}
}

// headExpectation is the exact expectation of a stream whose last event
// has revision head (exists false for a stream with no event): what the
// adapter asks the server, so that the chain it computed stays linked.
func headExpectation(head uint64, exists bool) eventstore.ExpectedRevision {
	if !exists {
		return eventstore.NoStream
	}
	return eventstore.Exactly(head)
}

// fromClientPosition maps a $all position: Hi is the commit position and Lo
// the prepare position, so positions order as KurrentDB orders them.
func fromClientPosition(p esdb.Position) eventstore.Position {
	return eventstore.Position{Hi: p.Commit, Lo: p.Prepare}
}

// clientPosition maps a position back; Start is the client's Start, which
// also covers an event at commit 0, prepare 0.
func clientPosition(p eventstore.Position) esdb.AllPosition {
	if p.IsZero() {
		return esdb.Start{}
	}
	return esdb.Position{Commit: p.Hi, Prepare: p.Lo}
}

// knownPosition reports whether the server filled in an event's $all
// position (servers before 2022 leave it at the maximum value on stream
// reads).
func knownPosition(p esdb.Position) bool {
	return p.Commit != math.MaxUint64 && p.Prepare != math.MaxUint64
}

// clientCode returns the code of the client's *esdb.Error in err's chain.
// (esdb.FromError is not used: it does not look inside wrapped errors, and
// it reports every foreign error as a client error of unknown code.)
func clientCode(err error) (esdb.ErrorCode, bool) {
	var e *esdb.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// currentRevision reads the stream's actual revision from the client's
// wrong-expected-version message ("... expecting '3' but got '5'", or
// "but got 'no_stream'"); the client does not expose it otherwise.
var currentRevision = regexp.MustCompile(`but got '([^']*)'`)

// conflictFrom maps a wrong-expected-version error of the client to the
// contract's *ConflictError. reported is false when the server's answer did
// not say where the stream is; Actual and Exists are then unknown.
func conflictFrom(err error, stream string, expected eventstore.ExpectedRevision) (ce *eventstore.ConflictError, reported, ok bool) {
	code, isClient := clientCode(err)
	if !isClient || code != esdb.ErrorCodeWrongExpectedVersion {
		return nil, false, false
	}
	ce = &eventstore.ConflictError{Stream: stream, Expected: expected}
	m := currentRevision.FindStringSubmatch(err.Error())
	if m == nil {
		return ce, false, true
	}
	if m[1] == "no_stream" {
		return ce, true, true
	}
	n, perr := strconv.ParseUint(m[1], 10, 64)
	if perr != nil {
		return ce, false, true
	}
	ce.Actual, ce.Exists = n, true
	return ce, true, true
}

// isNotFound reports whether err says the stream has no event (or was
// deleted, which Parcours never does but an operator could).
func isNotFound(err error) bool {
	code, ok := clientCode(err)
	return ok && (code == esdb.ErrorCodeResourceNotFound || code == esdb.ErrorCodeStreamDeleted)
}

// isTooLarge reports whether the server refused an append for its size
// ("Maximum Append Size of N Exceeded", or the per-event limit of newer
// servers).
func isTooLarge(err error) bool {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.InvalidArgument {
		return false
	}
	msg := strings.ToLower(st.Message())
	return strings.Contains(msg, "maximum append") && strings.Contains(msg, "exceeded")
}

// isPermanent reports whether a subscription that failed with err should
// not be retried: the server refuses the user, or the store was closed.
func isPermanent(err error) bool {
	code, ok := clientCode(err)
	if !ok {
		return false
	}
	switch code {
	case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied, esdb.ErrorCodeConnectionClosed, esdb.ErrorCodeUnsupportedFeature:
		return true
	}
	return false
}

// clientError maps an error of the client to the contract's errors, with
// op ("read portfolio-1", …) as context. The context's error comes first:
// a call cut short by ctx fails with ctx's error, whatever the client made
// of it.
func clientError(ctx context.Context, op string, err error) error {
	if cerr := ctxErr(ctx); cerr != nil {
		return fmt.Errorf("%s: %w (%w)", op, cerr, err)
	}
	switch code, _ := clientCode(err); {
	case isNotFound(err):
		return fmt.Errorf("%s: %w (%w)", op, eventstore.ErrStreamNotFound, err)
	case isTooLarge(err):
		return fmt.Errorf("%s: the server refused the append's size (raise its --max-append-size): %w (%w)", op, eventstore.ErrEventTooLarge, err)
	case code == esdb.ErrorCodeConnectionClosed:
		return fmt.Errorf("%s: %w (%w)", op, eventstore.ErrClosed, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// ctxErr is ctx's error, or context.DeadlineExceeded once ctx's deadline
// has passed: the client's calls run under a deadline derived from ctx,
// whose timer may fire a moment before ctx's own.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}
