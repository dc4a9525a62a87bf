package logline

import "encoding/binary"

// JSON strings are most of a log line's bytes; scanning them fast is most
// of Quick's cost on JSON.

// str scans a string starting at '"' and returns the extent of its content.
// It skips eight plain bytes at a time (no quote, backslash or control
// character among them), which is most of a log line's JSON.
func (s *jsonScan) str() (a, z int, ok bool) {
	b := s.b
	if s.i >= len(b) || b[s.i] != '"' {
		return 0, 0, false
	}
	i := s.i + 1
	a = i
	for {
		// Most strings of a log line are short keys and values: a byte loop
		// first, eight bytes at a time only past 16.
		for n := min(len(b), i+16); i < n && strPlain[b[i]]; i++ {
		}
		if i < len(b) && strPlain[b[i]] {
			for i+8 <= len(b) && !special8(binary.LittleEndian.Uint64(b[i:])) {
				i += 8
			}
			for i < len(b) && strPlain[b[i]] {
				i++
			}
		}
		if i >= len(b) {
			return 0, 0, false
		}
		switch b[i] {
		case '"':
			s.i = i + 1
			return a, i, true
		case '\\':
			n := escapeLen(b[i:])
			if n == 0 {
				return 0, 0, false
			}
			i += n
		default: // control character
			return 0, 0, false
		}
	}
}

// strPlain marks the bytes a JSON string holds as they are.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// SWAR helpers: eight bytes in a word.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special8 reports whether one of the eight bytes of x is a quote, a
// backslash or a control character.
func special8(x uint64) bool {
	return (hasLess(x, 0x20)|hasLess(x^(lsb*'"'), 1)|hasLess(x^(lsb*'\\'), 1))&msb != 0
}

// hasLess sets the high bit of a byte of the result if some byte of x is
// below n (n <= 128); it may not tell which one.
func hasLess(x, n uint64) uint64 { return (x - lsb*n) &^ x & msb }

// escapeLen returns the length of the escape sequence at the start of b, or
// 0 if it is not a valid JSON escape.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(b) < 6 {
			return 0
		}
		for _, c := range b[2:6] {
			if hexVal(c) < 0 {
				return 0
			}
		}
		return 6
	}
	return 0
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
