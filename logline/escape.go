package logline

import (
	"unicode/utf16"
	"unicode/utf8"
)

// appendUnescaped appends the content of a quoted JSON or logfmt string
// (without its quotes) to dst, decoding the escapes. The result is valid
// UTF-8: each invalid byte and each unpaired surrogate becomes U+FFFD, as
// encoding/json does. An unknown escape (lenient logfmt) is kept as written.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && raw[j] != '\\' && raw[j] < utf8.RuneSelf {
			j++
		}
		dst = append(dst, raw[i:j]...)
		if i = j; i == len(raw) {
			break
		}
		c := raw[i]
		switch {
		case c == '\\':
			r, n := decodeEscape(raw[i:])
			if n == 0 {
				dst = append(dst, '\\')
				i++
				continue
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			dst = utf8.AppendRune(dst, r) // RuneError for an invalid byte
			i += n
		}
	}
	return dst
}

// unescapedLen is len(appendUnescaped(nil, raw)), without building it.
func unescapedLen(raw []byte) int {
	total := 0
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			r, n := decodeEscape(raw[i:])
			if n == 0 {
				total++
				i++
				continue
			}
			total += utf8.RuneLen(r)
			i += n
		case c < utf8.RuneSelf:
			total++
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			total += utf8.RuneLen(r)
			i += n
		}
	}
	return total
}

// decodeEscape decodes the escape at the start of b and returns its rune
// and length, or length 0 if b does not start with a known escape. A
// surrogate pair written as two \u escapes is one rune; a lone surrogate is
// U+FFFD.
func decodeEscape(b []byte) (rune, int) {
	if len(b) < 2 {
		return 0, 0
	}
	switch b[1] {
	case '"', '\\', '/':
		return rune(b[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r := hex4(b[2:])
		if r < 0 {
			return 0, 0
		}
		if !utf16.IsSurrogate(r) {
			return r, 6
		}
		if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			if r2 := hex4(b[8:]); r2 >= 0 {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					return d, 12
				}
			}
		}
		return utf8.RuneError, 6
	}
	return 0, 0
}

// hex4 reads four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		v := hexVal(c)
		if v < 0 {
			return -1
		}
		r = r<<4 | rune(v)
	}
	return r
}

// unescapeShort decodes raw into dst's capacity when raw holds escapes, so
// that Quick reads "\u006cevel" as the key level just as Parse does. It
// returns raw itself when there is nothing to decode, and nil when the
// decoded text would not fit (such a string is no key or level word we know).
func unescapeShort(raw, dst []byte) []byte {
	esc := false
	for _, c := range raw {
		if c == '\\' {
			esc = true
			break
		}
	}
	if !esc {
		return raw
	}
	if len(raw) > cap(dst) && unescapedLen(raw) > cap(dst) {
		return nil
	}
	return appendUnescaped(dst[:0], raw)
}

// appendValid appends b to dst with each invalid UTF-8 byte replaced by
// U+FFFD.
func appendValid(dst, b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst
}
