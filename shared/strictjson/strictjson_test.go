package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{`{"email":"a@b.fr","password":"x"}`, nil},
		{`{"a":{"b":1,"c":[{"b":2},{"b":3}]},"b":{"a":1}}`, nil}, // same names in other objects
		{`{"s":"\ufffd \uD83D\uDE00 \\ud800 \" \\"}`, nil},       // U+FFFD, a pair, an escaped backslash
		{`[1e400, -0, 1.5E-3, true, null]`, nil},
		{`{"email":"a","email":"b"}`, ErrDuplicateName},
		{`{"email":"a","\u0065mail":"b"}`, ErrDuplicateName},
		{`{"a":{"b":1,"b":2}}`, ErrDuplicateName},
		{`{"a":[{"x":[{"y":1,"y":1}]}]}`, ErrDuplicateName},
		{`[{"k":1},{"k":2,"k":3}]`, ErrDuplicateName},
		{"{\"p\":\"\xff\xfe\"}", ErrNotUTF8},
		{"{\"p\":\"\xed\xa0\x80\"}", ErrNotUTF8}, // a surrogate encoded in UTF-8
		{`{"p":"\ud800"}`, ErrLoneSurrogate},
		{`{"p":"\uDBFF\u0041"}`, ErrLoneSurrogate},
		{`{"p":"\udc00\ud800"}`, ErrLoneSurrogate},
		{`{"\ud800":1}`, ErrLoneSurrogate},
		{`{"p":"\ud800\`, ErrLoneSurrogate},
		{`{"a":1,}`, ErrSyntax},
		{`{"a" 1}`, ErrSyntax},
		{`{"a":1`, ErrSyntax},
		{`]`, ErrSyntax},
	}
	for _, tt := range tests {
		if got := Check([]byte(tt.in)); !errors.Is(got, tt.want) {
			t.Errorf("Check(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzCheck checks the strict JSON check on any input: it never panics;
// what it accepts is UTF-8, and, when encoding/json reads it, decodes to no
// U+FFFD the text did not hold; and what encoding/json writes, it accepts.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"email":"a@b.fr","password":"x"}`, `{"a":{"b":1,"b":2}}`, `{"p":"\ud800"}`,
		`{"p":"\uD83D\uDE00"}`, "{\"p\":\"\xff\"}", `[{"k":[1,{"k":2}]}]`, `{"s":"\\u0041\"\\"}`, `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := Check(b)
		if err == nil && !utf8.Valid(b) {
			t.Fatalf("Check accepts %q, which is not UTF-8", b)
		}
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		if err == nil && !bytes.Contains(b, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) {
			if s := strings.Join(stringsOf(v, nil), ""); strings.ContainsRune(s, utf8.RuneError) {
				t.Fatalf("Check accepts %q, which decodes to U+FFFD", b)
			}
		}
		out, merr := json.Marshal(v)
		if merr != nil {
			t.Fatalf("re-encode %v: %v", v, merr)
		}
		if err := Check(out); err != nil {
			t.Fatalf("Check refuses %q, as encoding/json writes it: %v", out, err)
		}
	})
}

// stringsOf gathers the strings and member names of a decoded value.
func stringsOf(v any, acc []string) []string {
	switch v := v.(type) {
	case string:
		acc = append(acc, v)
	case []any:
		for _, e := range v {
			acc = stringsOf(e, acc)
		}
	case map[string]any:
		for k, e := range v {
			acc = stringsOf(e, append(acc, k))
		}
	}
	return acc
}
