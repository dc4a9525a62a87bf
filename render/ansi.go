package render

import "bytes"

// maxSGR bounds the length of a sequence ANSI mode passes; longer ones are
// escaped. The longest useful one, "ESC[38;2;255;255;255;48;2;255;255;255m",
// is 37 bytes.
const maxSGR = 64

// appendSanitizedANSI is appendSanitized for ANSI mode: it passes the plain
// SGR color sequences a program wrote itself and escapes everything else,
// and returns the extended dst and spans with the passed sequences (offsets
// relative to len(dst) at the call) appended.
//
// A sequence passes only if it is ESC '[' params 'm' (7-bit CSI, no
// intermediate or private bytes), at most maxSGR bytes long, and every
// param is a color or style from this allowlist:
//
//   - 0 (or empty: reset), 1–7 (bold, dim, italic, underline, blink,
//     inverse), 9 (strike), 21–27 and 29 (their resets);
//   - 30–37, 39, 40–47, 49, 90–97, 100–107 (the 16 colors and defaults);
//   - 38 and 48 followed by 5;n or 2;r;g;b, each number at most 255
//     (256 and true colors, in the ';' form only).
//
// Conceal (8) and its reset (28) are refused, as are sub-parameters (':'),
// underline colors (58) and every other sequence: they stay visible as
// "^[[…". The caller ends the line with an SGR reset.
func appendSanitizedANSI(dst, src []byte, spans []span) ([]byte, []span) {
	base := len(dst)
	for {
		i := bytes.IndexByte(src, 0x1b)
		if i < 0 {
			return appendSanitized(dst, src), spans
		}
		dst = appendSanitized(dst, src[:i])
		n := sgrLen(src[i:])
		if n == 0 {
			dst = append(dst, '^', '[')
			src = src[i+1:]
			continue
		}
		lo := len(dst) - base
		dst = append(dst, src[i:i+n]...)
		spans = append(spans, span{lo, lo + n})
		src = src[i+n:]
	}
}

// sgrLen returns the length of the allowlisted SGR sequence b starts with,
// or 0.
func sgrLen(b []byte) int {
	if len(b) < 3 || b[0] != 0x1b || b[1] != '[' {
		return 0
	}
	end := -1
	for j := 2; j < len(b) && j < maxSGR; j++ {
		c := b[j]
		if c == 'm' {
			end = j
			break
		}
		if c != ';' && (c < '0' || c > '9') {
			return 0
		}
	}
	if end < 0 || !allowedParams(b[2:end]) {
		return 0
	}
	return end + 1
}

// maxParams bounds the params of a passed sequence.
const maxParams = 16

// allowedParams reports whether every param of an SGR sequence ("1;31",
// digits and ';' only) is in the allowlist of appendSanitizedANSI.
func allowedParams(p []byte) bool {
	var vals [maxParams]int
	n := 0
	for v, k := 0, 0; k <= len(p); k++ {
		if k < len(p) && p[k] != ';' {
			v = v*10 + int(p[k]-'0')
			if v > 255 {
				return false
			}
			continue
		}
		if n == maxParams {
			return false
		}
		vals[n], n, v = v, n+1, 0
	}
	for j := 0; j < n; j++ {
		switch v := vals[j]; {
		case v == 38 || v == 48:
			switch {
			case j+2 < n && vals[j+1] == 5:
				j += 2
			case j+4 < n && vals[j+1] == 2:
				j += 4
			default:
				return false
			}
		case !allowedParam(v):
			return false
		}
	}
	return true
}

// allowedParam reports whether a single SGR param is a plain color or style.
func allowedParam(v int) bool {
	switch {
	case v <= 7, v == 9:
		return true
	case v >= 21 && v <= 27, v == 29:
		return true
	case v >= 30 && v <= 37, v == 39, v >= 40 && v <= 47, v == 49:
		return true
	case v >= 90 && v <= 97, v >= 100 && v <= 107:
		return true
	}
	return false
}
