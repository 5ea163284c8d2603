package kurrentdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parcours/parcours/eventstore"
)

// oddMetadata are valid JSON objects that a decode-and-re-encode would
// change: key order and duplicate keys, white space, escapes, numbers a
// decoder would rewrite, HTML characters json.Marshal would escape,
// non-ASCII text, and white space around the object.
var oddMetadata = []string{
	`{}`,
	`{"actor":"person-1","tenant":"t1","correlation_id":"c","causation_id":"d","occurred_at":"2026-01-02T03:04:05Z"}`,
	`{"b":1,"a":2}`,
	`{"a":1,"a":2}`,
	`{ "a" : [ 1 , 2 ] ,` + "\n\t" + `"b":{"c":null} }`,
	`{"n":1e400,"m":-0.0,"p":0.10000000000000000001,"q":123456789012345678901234567890}`,
	`{"s":"\u00e9\u0000\ud83d\ude00\"\\\/\b\f\n\r\t"}`,
	`{"s":"é 😀 中文 ‮ right-to-left  ","k\u2028":"line separator"}`,
	`{"html":"<a href=\"x\">&amp;</a>","raw":"< > &"}`,
	"  {\"actor\":\"a\"}  ",
	"\n{\"actor\":\"a\"}",
	"{\"actor\":\"a\"}\r\n",
	`{"big":"` + strings.Repeat("é", 50_000) + `"}`,
}

func TestEnvelopeRoundTrip(t *testing.T) {
	f := envFields{Namespace: "ns-1:x@y_z.", SchemaVersion: 7}
	f.Prev[0], f.Prev[31] = 0xab, 0x01
	f.Hash[5] = 0xff
	for i, meta := range oddMetadata {
		env := encodeEnvelope([]byte(meta), f)
		if !json.Valid(env) || !utf8.Valid(env) {
			t.Fatalf("#%d: envelope is not valid UTF-8 JSON: %s", i, env)
		}
		got, gf, err := decodeEnvelope(env)
		if err != nil {
			t.Fatalf("#%d: decode: %v", i, err)
		}
		if !bytes.Equal(got, []byte(meta)) {
			t.Fatalf("#%d: metadata did not round-trip:\n got %q\nwant %q", i, got, meta)
		}
		if gf != f {
			t.Fatalf("#%d: chain fields %+v, want %+v", i, gf, f)
		}
		// A bare object is embedded as is, readable by KurrentDB projections.
		if bareObject([]byte(meta)) && !bytes.Contains(env, []byte(`"meta":`+meta+"}")) {
			t.Fatalf("#%d: bare object not embedded verbatim: %s", i, env)
		}
	}
}

// The envelope's exact bytes are part of the stored format: a change here
// is a change of what older binaries can read.
func TestEnvelopeGolden(t *testing.T) {
	var f envFields
	f.SchemaVersion = 3
	for i := range f.Prev {
		f.Prev[i] = byte(i)
		f.Hash[i] = byte(255 - i)
	}
	cases := []struct{ meta, want string }{
		{`{"actor":"a"}`, `{"parcours":1,"sv":3,` +
			`"prev":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",` +
			`"hash":"fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0",` +
			`"meta":{"actor":"a"}}`},
		{" {\"actor\":\"<é>\"}\n", `{"parcours":1,"sv":3,` +
			`"prev":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",` +
			`"hash":"fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0",` +
			`"meta_text":" {\"actor\":\"\u003cé\u003e\"}\n"}`},
		{`{}`, `{"parcours":1,"ns":"site-2.","sv":3,` +
			`"prev":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",` +
			`"hash":"fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0",` +
			`"meta":{}}`},
	}
	for i, c := range cases {
		if i == 2 {
			f.Namespace = "site-2."
		}
		if got := string(encodeEnvelope([]byte(c.meta), f)); got != c.want {
			t.Errorf("envelope of %q:\n got %s\nwant %s", c.meta, got, c.want)
		}
	}
}

func TestDecodeEnvelopeRejects(t *testing.T) {
	hash := strings.Repeat("00", 32)
	foreign := []string{
		``,
		`not json`,
		`[1,2]`,
		`{"actor":"someone else's metadata"}`,
		`{"$correlationId":"x"}`,
		` {"parcours":1}`,
	}
	for _, b := range foreign {
		if _, _, err := decodeEnvelope([]byte(b)); !errors.Is(err, errNoEnvelope) {
			t.Errorf("decode %q: want errNoEnvelope, got %v", b, err)
		}
	}
	damaged := []string{
		`{"parcours":2,"sv":1,"prev":"` + hash + `","hash":"` + hash + `","meta":{}}`,
		`{"parcours":1,"sv":1,"prev":"00","hash":"` + hash + `","meta":{}}`,
		`{"parcours":1,"sv":1,"prev":"` + hash + `","hash":"zz` + hash[2:] + `","meta":{}}`,
		`{"parcours":1,"sv":1,"prev":"` + hash + `","hash":"` + hash + `"}`,
		`{"parcours":1,"sv":1,"prev":"` + hash + `","hash":"` + hash + `","meta":{},"meta_text":"{}"}`,
	}
	for _, b := range damaged {
		_, _, err := decodeEnvelope([]byte(b))
		if err == nil || errors.Is(err, errNoEnvelope) {
			t.Errorf("decode %s: want a damaged-envelope error, got %v", b, err)
		}
	}
}

// FuzzEnvelope: any metadata the contract accepts round-trips byte for
// byte, and decoding arbitrary bytes never panics.
func FuzzEnvelope(f *testing.F) {
	for _, m := range oddMetadata {
		f.Add([]byte(m))
	}
	f.Add([]byte(`{"parcours":1,"sv":1,"prev":"","hash":"","meta":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _ = decodeEnvelope(b)
		p := eventstore.Proposed{ID: eventstore.NewEventID(), Type: "T", Data: []byte(`{}`), Metadata: b}
		if eventstore.ValidateAppend("s", []eventstore.Proposed{p}, 0) != nil {
			return
		}
		cf := envFields{SchemaVersion: uint32(len(b)), Hash: eventstore.ComputeHash("s", 0, p, eventstore.Hash{})}
		got, gf, err := decodeEnvelope(encodeEnvelope(b, cf))
		if err != nil || !bytes.Equal(got, b) || gf != cf {
			t.Fatalf("metadata %q: got %q, %+v, %v", b, got, gf, err)
		}
	})
}
