package formats

import (
	"bufio"
	"encoding/xml"
	"io"
)

// xmlWriter writes XML with the prefixes the formats' own examples use
// (encoding/xml's encoder would name namespaces its own way).
type xmlWriter struct {
	w     *bufio.Writer
	depth int
	err   error
}

func newXMLWriter(w io.Writer) *xmlWriter {
	x := &xmlWriter{w: bufio.NewWriter(w)}
	x.raw(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	return x
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

func (x *xmlWriter) indent() {
	x.raw("\n")
	for range x.depth {
		x.raw("  ")
	}
}

// start opens an element; attrs are name, value pairs.
func (x *xmlWriter) start(name string, attrs ...string) {
	x.indent()
	x.raw("<" + name)
	x.attrs(attrs)
	x.raw(">")
	x.depth++
}

func (x *xmlWriter) attrs(attrs []string) {
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="`)
		x.text(attrs[i+1])
		x.raw(`"`)
	}
}

func (x *xmlWriter) end(name string) {
	x.depth--
	x.indent()
	x.raw("</" + name + ">")
}

// leaf writes an element with text, or nothing when the text is empty.
func (x *xmlWriter) leaf(name, text string, attrs ...string) {
	if text == "" {
		return
	}
	x.indent()
	x.raw("<" + name)
	x.attrs(attrs)
	x.raw(">")
	x.text(text)
	x.raw("</" + name + ">")
}

// empty writes an element without content.
func (x *xmlWriter) empty(name string, attrs ...string) {
	x.indent()
	x.raw("<" + name)
	x.attrs(attrs)
	x.raw("/>")
}

func (x *xmlWriter) close() error {
	x.raw("\n")
	if x.err != nil {
		return x.err
	}
	return x.w.Flush()
}
