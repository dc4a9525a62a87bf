package render

import (
	"regexp"
	"slices"
)

// span is a range of bytes in the text being rendered: a match to
// highlight, or an SGR sequence passed through in ANSI mode.
type span struct{ lo, hi int }

// highlighter marks the matches of the Highlight patterns in rendered text.
//
// It works on text after sanitizing, so a match can never split or form an
// escape sequence: the only raw escapes in that text are the ones ANSI mode
// passed through, and the patterns run over the text without them (the
// visible text), so that what the user sees is what is matched. The marks
// are SGR 7 (inverse) and 27 (inverse off), which leave the line's color
// alone; after a passed sequence inside a match, 7 is set again, because a
// program's reset would end it.
type highlighter struct {
	res []*regexp.Regexp
	vis []byte // the visible text, when it differs from the rendered text
	seg []byte // a copy of the rendered text while it is rewritten
	iv  []span // the merged matches, in visible offsets
}

// apply marks the matches in b[start:], whose passed sequences are spans
// (offsets relative to start), and returns the extended b.
func (h *highlighter) apply(b []byte, start int, spans []span) []byte {
	seg := b[start:]
	vis := seg
	if len(spans) > 0 {
		h.vis = visibleText(h.vis[:0], seg, spans)
		vis = h.vis
	}
	if !h.match(vis) {
		return b
	}
	h.seg = append(h.seg[:0], seg...)
	b = h.mark(b[:start], h.seg, spans)
	if cap(h.seg) > maxScratch {
		h.seg, h.vis = nil, nil
	}
	return b
}

// visibleText appends seg without its spans to dst.
func visibleText(dst, seg []byte, spans []span) []byte {
	at := 0
	for _, s := range spans {
		dst = append(dst, seg[at:s.lo]...)
		at = s.hi
	}
	return append(dst, seg[at:]...)
}

// match collects the non-empty matches of every pattern in vis into h.iv,
// sorted and merged where they overlap or touch, and reports whether there
// are any.
func (h *highlighter) match(vis []byte) bool {
	iv := h.iv[:0]
	for _, re := range h.res {
		for _, m := range re.FindAllIndex(vis, -1) {
			if m[1] > m[0] {
				iv = append(iv, span{m[0], m[1]})
			}
		}
	}
	if len(iv) > 1 {
		slices.SortFunc(iv, func(a, b span) int { return a.lo - b.lo })
		out := iv[:1]
		for _, s := range iv[1:] {
			if last := &out[len(out)-1]; s.lo <= last.hi {
				last.hi = max(last.hi, s.hi)
				continue
			}
			out = append(out, s)
		}
		iv = out
	}
	h.iv = iv
	return len(iv) > 0
}

// mark appends seg to b with the inverse marks around h.iv. At a visible
// offset, a match that ends there is closed before the passed sequences
// sitting there, and one that starts there is opened after them.
func (h *highlighter) mark(b, seg []byte, spans []span) []byte {
	iv := h.iv
	const never = int(^uint(0) >> 1)
	pos, i, k, s := 0, 0, 0, 0 // visible offset, offset in seg, next match, next span
	in := false
	for {
		if in && pos == iv[k].hi {
			b = append(b, sgrNoInverse...)
			in = false
			k++
		}
		for s < len(spans) && spans[s].lo == i {
			b = append(b, seg[spans[s].lo:spans[s].hi]...)
			i = spans[s].hi
			s++
			if in {
				b = append(b, sgrInverse...)
			}
		}
		if !in && k < len(iv) && pos == iv[k].lo {
			b = append(b, sgrInverse...)
			in = true
		}
		if i == len(seg) {
			break
		}
		next := len(seg)
		if s < len(spans) {
			next = spans[s].lo
		}
		bound := never
		switch {
		case in:
			bound = iv[k].hi
		case k < len(iv):
			bound = iv[k].lo
		}
		n := min(next-i, bound-pos)
		b = append(b, seg[i:i+n]...)
		i += n
		pos += n
	}
	if in {
		b = append(b, sgrNoInverse...)
	}
	return b
}
