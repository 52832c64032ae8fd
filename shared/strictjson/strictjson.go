// Package strictjson checks a JSON text for what encoding/json lets through
// silently (invalid UTF-8, lone surrogate escapes, duplicate member names),
// before it is decoded. It is on the standard library only.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// The reasons Check refuses a JSON text.
var (
	ErrNotUTF8       = errors.New("body is not valid UTF-8")
	ErrLoneSurrogate = errors.New("body escapes a lone UTF-16 surrogate")
	ErrDuplicateName = errors.New("object has a duplicate member name")
	ErrSyntax        = errors.New("body is not one JSON value")
)

// Check checks what encoding/json lets through silently, before a body is
// decoded:
//   - bytes that are not UTF-8, which it replaces with U+FFFD, so that two
//     different passwords would decode the same (RFC 8259 §8.1: JSON text
//     exchanged between systems MUST be UTF-8);
//   - \uXXXX escapes of a lone UTF-16 surrogate, which it also turns into
//     U+FFFD (RFC 8259 §8.2 leaves their behaviour unpredictable);
//   - an object with two members of the same name, at any depth, of which it
//     keeps the last (RFC 8259 §4: names SHOULD be unique; RFC 7493 I-JSON
//     §2.3: MUST be). Names are compared once unescaped, as the decoder
//     matches them.
//
// It returns ErrNotUTF8, ErrLoneSurrogate, ErrDuplicateName or ErrSyntax (not
// JSON). It accepts a sequence of values; the caller still decodes the body
// strictly for its shape.
func Check(body []byte) error {
	if !utf8.Valid(body) {
		return ErrNotUTF8
	}
	if err := checkSurrogates(body); err != nil {
		return err
	}
	return checkNames(body)
}

// checkNames walks the tokens of one JSON value and refuses an object that
// names a member twice. It keeps its own stack, so that depth costs memory
// in proportion to the (capped) body, never Go stack.
func checkNames(body []byte) error {
	type frame struct {
		names   map[string]bool // nil for an array
		wantKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // no float parsing: 1e400 is well-formed JSON
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) != 0 {
				return ErrSyntax
			}
			return nil
		}
		if err != nil {
			return ErrSyntax
		}
		if n := len(stack); n > 0 && stack[n-1].names != nil && stack[n-1].wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				if n > 1 && stack[n-2].names != nil {
					stack[n-2].wantKey = true // the object was its parent's value
				}
				continue
			}
			name, ok := tok.(string)
			if !ok {
				return ErrSyntax
			}
			if stack[n-1].names[name] {
				return ErrDuplicateName
			}
			stack[n-1].names[name] = true
			stack[n-1].wantKey = false
			continue
		}
		// A value, or the end of an array.
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{names: map[string]bool{}, wantKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{})
			continue
		case json.Delim(']'), json.Delim('}'):
			if len(stack) == 0 {
				return ErrSyntax
			}
			stack = stack[:len(stack)-1]
		}
		// A value is complete: its object, if any, wants a name next.
		if n := len(stack); n > 0 && stack[n-1].names != nil {
			stack[n-1].wantKey = true
		}
	}
}

// checkSurrogates scans the strings of a JSON text for \u escapes of UTF-16
// surrogates that do not form a pair: a high one (D800–DBFF) not followed at
// once by an escaped low one (DC00–DFFF), or a low one alone.
func checkSurrogates(b []byte) error {
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 < len(b) && b[i+1] == 'u' {
				r, ok := hex4(b, i+2)
				switch {
				case !ok:
					return ErrSyntax
				case r >= 0xDC00 && r <= 0xDFFF:
					return ErrLoneSurrogate
				case r >= 0xD800 && r <= 0xDBFF:
					low, ok := rune(0), i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u'
					if ok {
						low, ok = hex4(b, i+8)
					}
					if !ok || low < 0xDC00 || low > 0xDFFF {
						return ErrLoneSurrogate
					}
					i += 6 // the pair's second half
				}
				i += 5
			} else {
				i++ // the escaped character, maybe a quote or a backslash
			}
		}
	}
	return nil
}

// hex4 reads four hexadecimal digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
