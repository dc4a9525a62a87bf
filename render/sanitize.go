package render

import (
	"encoding/binary"
	"unicode/utf8"
)

// Byte classes for the sanitizer's scan.
const (
	plain   = iota // printable ASCII or TAB: copied as is
	control        // C0 control or DEL: shown in caret notation
	high           // first byte of a multi-byte sequence (or invalid): decoded
)

// byteClass drives the scan: a byte is decoded or replaced only when its class
// says so. plainRun checks eight bytes at a time in front of it.
var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == '\t':
			t[c] = plain
		case c < 0x20 || c == 0x7f:
			t[c] = control
		case c >= 0x80:
			t[c] = high
		}
	}
	return t
}()

// appendSanitized appends src to dst so that nothing in it can act on a
// terminal, and returns the extended buffer. The result is always valid
// UTF-8 and every replacement is visible:
//
//   - ESC and the other C0 controls (0x00–0x1f) except TAB in caret
//     notation ("^[", "^@", "^A" …), CR as `\r` (a bare CR would let a line
//     overwrite itself or the prefix), DEL as "^?";
//   - C1 controls encoded as UTF-8 (U+0080–U+009F; U+009B is an 8-bit CSI to
//     some terminals) and the bidi controls U+061C, U+200E, U+200F,
//     U+202A–U+202E and U+2066–U+2069 (which could reorder the prefix or the
//     rest of the screen) as "<U+009B>";
//   - a run of consecutive invalid UTF-8 bytes (including raw 8-bit C1 bytes
//     such as 0x9b, overlong forms and surrogates) as one U+FFFD.
//
// Everything else, TAB included, is copied unchanged. A caret-escaped "^["
// and a literal "^[" in the log look the same; that is the price of showing
// the byte instead of hiding it.
func appendSanitized(dst, src []byte) []byte {
	start, i := 0, 0
	for {
		i = plainRun(src, i)
		if i == len(src) {
			break
		}
		c := src[i]
		if byteClass[c] == control {
			dst = append(dst, src[start:i]...)
			dst = appendControl(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, src[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i = skipInvalid(src, i+1)
			start = i
		case isFormatControl(r):
			dst = append(dst, src[start:i]...)
			dst = appendCodePoint(dst, r)
			i += size
			start = i
		default: // valid and harmless: part of the run to copy
			i += size
		}
	}
	return append(dst, src[start:]...)
}

// plainRun returns the index of the first byte at or after i that is not
// plain, or len(src). This is the hot path: it tests eight bytes at a time
// (plainWord) and looks bytes up in byteClass only in a word that holds a
// TAB or something to decode or replace.
func plainRun(src []byte, i int) int {
	for {
		for i+8 <= len(src) && plainWord(binary.LittleEndian.Uint64(src[i:])) {
			i += 8
		}
		end := min(i+8, len(src))
		for ; i < end; i++ {
			if byteClass[src[i]] != plain {
				return i
			}
		}
		if i == len(src) {
			return i
		}
	}
}

// plainWord reports whether all eight bytes of x are printable ASCII
// (0x20–0x7e), with the usual SWAR tricks: a byte's high bit is set in
// x-0x20… only if the byte is below 0x20 (given that no byte has its own high
// bit set), and in (x^0x7f…)-0x01… only if the byte is 0x7f. A borrow can set
// a false bit only above a byte that is itself a hit, so "none" is exact.
func plainWord(x uint64) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	del := x ^ (0x7f * ones)
	return (x|(x-0x20*ones)|(del-ones))&high == 0
}

// appendControl appends the visible form of a C0 control or DEL.
func appendControl(dst []byte, c byte) []byte {
	if c == '\r' {
		return append(dst, `\r`...)
	}
	return append(dst, '^', c^0x40)
}

// skipInvalid returns the index of the first byte at or after i that does not
// continue a run of invalid UTF-8.
func skipInvalid(src []byte, i int) int {
	for i < len(src) && src[i] >= utf8.RuneSelf {
		if r, size := utf8.DecodeRune(src[i:]); r != utf8.RuneError || size != 1 {
			break
		}
		i++
	}
	return i
}

// isFormatControl reports whether r, a decoded non-ASCII rune, is a C1
// control or a bidi control.
func isFormatControl(r rune) bool {
	switch {
	case r <= 0x9f:
		return true
	case r < 0x61c:
		return false
	case r == 0x61c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// appendCodePoint appends r as "<U+XXXX>".
func appendCodePoint(dst []byte, r rune) []byte {
	const hex = "0123456789ABCDEF"
	return append(dst, '<', 'U', '+',
		hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf], '>')
}
