package testenv

import "strings"

// PatternLine returns exactly n bytes starting with head and filled with a
// mix of ASCII and 2-, 3- and 4-byte runes, so that a line longer than the
// daemon's 16 KiB chunks has runes across its chunk boundaries. It never
// splits a rune (the tail is padded with 'z'). The log generator writes it
// and the tests check it.
func PatternLine(head string, n int) []byte {
	runes := []string{"a", "é", "€", "𝄞", "b", "ж", "中", "😀"}
	b := make([]byte, 0, n)
	b = append(b, head...)
	for i := 0; len(b) < n; i++ {
		r := runes[i%len(runes)]
		if len(b)+len(r) > n {
			r = strings.Repeat("z", n-len(b))
		}
		b = append(b, r...)
	}
	return b[:n]
}
