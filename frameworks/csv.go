package frameworks

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// table is a CSV file read row by row with its columns by name.
type table struct {
	name string
	r    *csv.Reader
	cols map[string]int
	row  []string
}

// openTable reads the header of a CSV file: UTF-8 (a BOM is dropped),
// comma- or semicolon-separated (whichever the header line has more of).
// Column names are matched without case.
func openTable(p part) (*table, error) {
	data := bytes.TrimPrefix(p.data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, bad(p.name, "is not UTF-8 text (export the file as UTF-8)")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, bad(p.name, "no CSV header: "+csvReason(err))
	}
	t := &table{name: p.name, r: r, cols: map[string]int{}}
	for i, h := range header {
		t.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	return t, nil
}

// has reports whether the table has every column named.
func (t *table) has(cols ...string) bool {
	for _, c := range cols {
		if _, ok := t.cols[strings.ToLower(c)]; !ok {
			return false
		}
	}
	return true
}

// next moves to the next row; it returns false at the end, with an error
// if the file is broken.
func (t *table) next() (bool, error) {
	row, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, bad(t.name, csvReason(err))
	}
	t.row = row
	return true, nil
}

// get returns the cell of column col in the current row, trimmed.
func (t *table) get(col string) string {
	i, ok := t.cols[strings.ToLower(col)]
	if !ok || i >= len(t.row) {
		return ""
	}
	return strings.TrimSpace(t.row[i])
}

// fail reports a bad row.
func (t *table) fail(format string, args ...any) error {
	line, _ := t.r.FieldPos(0)
	return bad(t.name, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}
