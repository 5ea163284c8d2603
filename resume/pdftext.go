package resume

import (
	"reflect"
	"strings"
)

// drawable returns d with every string made drawable: invalid UTF-8
// becomes U+FFFD and characters beyond the Basic Multilingual Plane
// (emoji) are dropped, since fpdf panics on both; tabs become spaces, and
// other control characters but line breaks are dropped.
func drawable(d Document) Document {
	cleanStrings(reflect.ValueOf(&d).Elem())
	return d
}

func cleanStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(cleanText(v.String()))
	case reflect.Struct:
		for i := range v.NumField() {
			cleanStrings(v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len()) // never write into the caller's arrays
		reflect.Copy(s, v)
		for i := range s.Len() {
			cleanStrings(s.Index(i))
		}
		v.Set(s)
	}
}

func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r > 0xffff:
			return -1
		}
		return r
	}, s)
}
