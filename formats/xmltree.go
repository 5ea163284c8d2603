package formats

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// node is an XML element, read by local names: the files imported here
// come with several spellings of the same namespaces (Mahara's LEAP2A
// ones point to archived copies of the specification's pages).
type node struct {
	name  string
	attrs []xml.Attr
	kids  []*node
	text  strings.Builder // the element's own character data
	// inner is the element's mixed content in order (texts and
	// children), for XHTML content.
	inner []any
}

const maxDepth = 256

// parseTree reads an XML document into nodes. A DOCTYPE is refused: this
// decoder expands no entity, but a document that declares some was meant
// for one that does (an entity bomb, or external entities reading the
// reader's files), and is answered so. Elements are counted against
// maxNodes.
func parseTree(data []byte, maxNodes int) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []*node
	var root *node
	count := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bad("the XML is malformed: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				if bytes.Contains(t, []byte("ENTITY")) || bytes.Contains(t, []byte("SYSTEM")) || bytes.Contains(t, []byte("PUBLIC")) {
					return nil, bad("the XML declares entities or an external DTD (<!DOCTYPE … <!ENTITY …>): refused, nothing was read from it")
				}
				return nil, bad("the XML has a DOCTYPE: the formats imported here have none, refused")
			}
			return nil, bad("the XML has a directive (<!…>) that the formats imported here do not use")
		case xml.StartElement:
			count++
			if count > maxNodes {
				return nil, tooLarge("the XML has more than %d elements", maxNodes)
			}
			if len(stack) >= maxDepth {
				return nil, tooLarge("the XML nests deeper than %d elements", maxDepth)
			}
			n := &node{name: t.Name.Local, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, bad("the XML has more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
				p.inner = append(p.inner, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, bad("the XML is malformed: an end tag without a start")
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.text.Write(t)
				p.inner = append(p.inner, string(t))
			}
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, bad("the XML is cut short or empty")
	}
	return root, nil
}

// attr is the value of the attribute of local name local.
func (n *node) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// child is the first child named name (nil if none).
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// all are the children named name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// path follows children by name.
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// value is the trimmed text of the element, spaces folded.
func (n *node) value() string {
	if n == nil {
		return ""
	}
	return strings.Join(strings.Fields(n.text.String()), " ")
}

var blocks = map[string]bool{"p": true, "div": true, "br": true, "li": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "tr": true, "ul": true, "ol": true, "table": true, "blockquote": true, "pre": true}

// plain is the text of the element and everything in it, with a line
// break at each block of XHTML: Mahara's content is XHTML, Parcours
// keeps plain text.
func (n *node) plain() string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	n.writePlain(&b)
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func (n *node) writePlain(b *strings.Builder) {
	for _, x := range n.inner {
		switch v := x.(type) {
		case string:
			b.WriteString(v)
		case *node:
			if blocks[v.name] {
				b.WriteByte('\n')
			}
			v.writePlain(b)
			if blocks[v.name] {
				b.WriteByte('\n')
			}
		}
	}
}
