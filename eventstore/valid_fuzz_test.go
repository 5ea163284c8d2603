package eventstore_test

import (
	stdjson "encoding/json"
	"testing"

	"github.com/segmentio/encoding/json"
)

// FuzzValidJSON: the JSON check of appends (segmentio/encoding's Valid)
// accepts and refuses exactly what encoding/json's Valid does.
func FuzzValidJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `[]`, `null`, `{"a":1}x`, "{\"a\":\"\xff\"}", `{"a":1,"a":2}`, ` {"s":{}} `,
		`{"a":tru}`, `{"\u00e9":1}`, `{"a":1e999}`, `"\ud800"`, `1.`, `-0`, `01`, "\"\x7f\"", "\"\x1f\"", `{"a":[1,2,{"b":null}]}`, ``, ` `, `"\u00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if std, fast := stdjson.Valid(b), json.Valid(b); std != fast {
			t.Fatalf("%q: encoding/json says %v, segmentio %v", b, std, fast)
		}
	})
}
