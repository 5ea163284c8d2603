package kurrentdb

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/parcours/parcours/eventstore"
)

// envelopeVersion is the value of the "parcours" key of the metadata
// envelope; a reader refuses versions it does not know.
const envelopeVersion = 1

// envFields are what a KurrentDB event carries besides the caller's data
// and metadata: the store's namespace (Options.StreamPrefix, "" for none),
// the schema version and the hash-chain links.
type envFields struct {
	Namespace     string
	SchemaVersion uint32
	Prev, Hash    eventstore.Hash
}

// errNoEnvelope: the event's metadata is not a Parcours envelope (the event
// was written by another tool).
var errNoEnvelope = errors.New("no Parcours metadata envelope")

// encodeEnvelope returns the KurrentDB metadata of an event whose caller
// metadata is meta (a JSON object, as eventstore.ValidateAppend requires).
//
// The envelope is built by hand, not by encoding/json: json.Marshal would
// compact a json.RawMessage and escape "<", ">" and "&" in it, and the
// caller's bytes must come back exactly. A JSON value embedded as is keeps
// its bytes, except white space around it, which a decoder drops; metadata
// with such white space is stored as a JSON string under "meta_text" instead.
func encodeEnvelope(meta []byte, f envFields) []byte {
	b := make([]byte, 0, len(meta)+180)
	b = append(b, `{"parcours":`...)
	b = strconv.AppendInt(b, envelopeVersion, 10)
	if f.Namespace != "" {
		// Options.validate allows only letters, digits and "-_.:@" here.
		b = append(b, `,"ns":"`...)
		b = append(b, f.Namespace...)
		b = append(b, '"')
	}
	b = append(b, `,"sv":`...)
	b = strconv.AppendUint(b, uint64(f.SchemaVersion), 10)
	b = append(b, `,"prev":"`...)
	b = hex.AppendEncode(b, f.Prev[:])
	b = append(b, `","hash":"`...)
	b = hex.AppendEncode(b, f.Hash[:])
	if bareObject(meta) {
		b = append(b, `","meta":`...)
		b = append(b, meta...)
	} else {
		text, err := json.Marshal(string(meta))
		if err != nil {
			panic("kurrentdb: marshal a string: " + err.Error()) // a Go string always marshals
		}
		b = append(b, `","meta_text":`...)
		b = append(b, text...)
	}
	return append(b, '}')
}

// bareObject reports whether meta starts with '{' and ends with '}', with
// no white space around: then it round-trips through json.RawMessage.
func bareObject(meta []byte) bool {
	return len(meta) >= 2 && meta[0] == '{' && meta[len(meta)-1] == '}'
}

// envelope is the decoded form of the metadata envelope.
type envelope struct {
	Version  *int            `json:"parcours"`
	NS       string          `json:"ns"`
	SV       uint32          `json:"sv"`
	Prev     string          `json:"prev"`
	Hash     string          `json:"hash"`
	Meta     json.RawMessage `json:"meta"`
	MetaText *string         `json:"meta_text"`
}

// decodeEnvelope reads the caller's metadata and the chain fields back from
// a KurrentDB event's metadata. It returns errNoEnvelope for metadata that
// is not an envelope at all, and a descriptive error for a damaged one.
func decodeEnvelope(b []byte) ([]byte, envFields, error) {
	var f envFields
	if !bareObject(b) {
		return nil, f, errNoEnvelope
	}
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil || env.Version == nil {
		return nil, f, errNoEnvelope
	}
	if *env.Version != envelopeVersion {
		return nil, f, fmt.Errorf("metadata envelope version %d, this binary reads %d", *env.Version, envelopeVersion)
	}
	var err error
	if f.Prev, err = eventstore.ParseHash(env.Prev); err != nil {
		return nil, f, fmt.Errorf("metadata envelope: prev: %w", err)
	}
	if f.Hash, err = eventstore.ParseHash(env.Hash); err != nil {
		return nil, f, fmt.Errorf("metadata envelope: hash: %w", err)
	}
	f.Namespace, f.SchemaVersion = env.NS, env.SV
	switch {
	case env.Meta != nil && env.MetaText == nil:
		return []byte(env.Meta), f, nil
	case env.Meta == nil && env.MetaText != nil:
		return []byte(*env.MetaText), f, nil
	}
	return nil, f, errors.New("metadata envelope: want exactly one of meta and meta_text")
}
