package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
)

// A form is described in Go and drawn by one template (form.html): every
// control has a label, its error is shown next to it (and in a summary at
// the top that links to it), and what was typed is kept when a command
// refuses it. Field names are the domain's (the last part of a domain
// error's Field), so a refusal lands next to the field it is about.

// formField is one control of a form.
type formField struct {
	Name, Label, Hint string
	Group             string // tells apart fields of one name (a page's items, by kind)
	// Type is text, textarea, date, url, email, password, number, select,
	// radio, checkboxes, checkbox or file.
	Type         string
	Value        string
	Options      []formOption // select, radio, checkboxes
	Required     bool
	Either       bool // required or not depending on another choice: not marked optional
	Max          int  // maxlength of text; 0 for none
	Autocomplete string
	Accept       string // a file field's media types
	Error        string
}

// ID is the control's id (a checkbox list's first box carries it).
func (f formField) ID() string {
	if f.Group != "" {
		return "f-" + f.Name + "-" + f.Group
	}
	return "f-" + f.Name
}

// Described lists the ids of the texts that describe the control: its
// hint and its error.
func (f formField) Described() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID()+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID()+"-err")
	}
	return strings.Join(ids, " ")
}

type hiddenInput struct{ Name, Value string }

type formOption struct {
	Value, Label string
	Checked      bool
}

// form is a page's form: where it posts, its fields, and the errors of
// the last attempt.
type form struct {
	Action    string
	Multipart bool // a file field: posted as multipart/form-data, with upload progress
	Fields    []formField
	Hidden    []hiddenInput
	// Key is the idempotency key of the command the form sends: sending
	// the form twice (a double tap, a reload) applies it once.
	Key     string
	Submit  string
	Danger  bool   // the submit button destroys something
	General string // an error that no field shows
}

// Failed reports whether the last attempt was refused.
func (f *form) Failed() bool {
	if f.General != "" {
		return true
	}
	for _, fl := range f.Fields {
		if fl.Error != "" {
			return true
		}
	}
	return false
}

// formError is one line of a form's error summary.
type formError struct{ Href, Field, Text string }

// Summary lists the errors, each linking to its field.
func (f *form) Summary() []formError {
	var out []formError
	if f.General != "" {
		out = append(out, formError{Text: f.General})
	}
	for _, fl := range f.Fields {
		if fl.Error != "" {
			out = append(out, formError{Href: "#" + fl.ID(), Field: fl.Label, Text: fl.Error})
		}
	}
	return out
}

// field returns the field named name, or nil.
func (f *form) field(name string) *formField {
	for i := range f.Fields {
		if f.Fields[i].Name == name {
			return &f.Fields[i]
		}
	}
	return nil
}

// fill sets the fields' values from what was posted.
func (f *form) fill(v url.Values) {
	for i := range f.Fields {
		fl := &f.Fields[i]
		switch fl.Type {
		case "file", "password":
			// never sent back
		case "checkboxes":
			chosen := map[string]bool{}
			for _, x := range v[fl.Name] {
				chosen[x] = true
			}
			for j := range fl.Options {
				fl.Options[j].Checked = chosen[fl.Options[j].Value]
			}
		case "checkbox", "radio", "select":
			fl.Value = v.Get(fl.Name)
			for j := range fl.Options {
				fl.Options[j].Checked = fl.Options[j].Value == fl.Value
			}
		default:
			fl.Value = v.Get(fl.Name)
		}
	}
	if k := v.Get("idem"); validKey(k) {
		f.Key = k
	}
}

// refuse shows err on the form, in l: next to its field when the form
// has it, else at the top. It reports false when err is not a refusal
// the person can act on (the caller answers it as a failure).
func (f *form) refuse(l Lang, err error) bool {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		text := reasonText(l, de)
		if fl := f.field(formFieldOf(de.Field)); fl != nil && de.Field != "" {
			fl.Error = text
		} else {
			f.General = text
		}
	case errors.Is(err, eventstore.ErrWrongExpectedRevision):
		f.General = words.T(l, "form.conflict")
	case errors.Is(err, commands.ErrIdempotencyKeyReused):
		f.General = words.T(l, "form.resent")
	default:
		return false
	}
	return true
}

// formFieldOf maps a domain error's field to a form field's name:
// "text.title" and "milestones[0].text.title" are "title",
// "framework.code" is "code", "file.sha256" is "file", "target.kind" is
// "target".
func formFieldOf(field string) string {
	for _, p := range []string{"file", "target"} {
		if strings.HasPrefix(field, p+".") {
			return p
		}
	}
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

// newKey draws a form's idempotency key.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validKey(k string) bool {
	if len(k) != 32 {
		return false
	}
	_, err := hex.DecodeString(k)
	return err == nil
}

// options builds the options of a choice from values, their labels being
// the words prefix+value.
func options(l Lang, prefix string, values ...string) []formOption {
	out := make([]formOption, len(values))
	for i, v := range values {
		out[i] = formOption{Value: v, Label: words.T(l, prefix+v)}
	}
	return out
}

// choose marks the option of value as chosen (a select, a radio list).
func (f *formField) choose(value string) {
	f.Value = value
	for i := range f.Options {
		f.Options[i].Checked = f.Options[i].Value == value
	}
}
