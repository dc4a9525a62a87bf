package render

import "strconv"

// appendCut appends the marker of a line cut at the line cap, dimmed in
// color mode: " [… 255.0 MiB cut]". The line's own reset follows it.
func (t *Terminal) appendCut(b []byte, n int64) []byte {
	if t.o.Color {
		b = append(b, sgrDim...)
	}
	b = append(b, " [… "...)
	b = appendSize(b, n)
	return append(b, " cut]"...)
}

// appendSize appends n bytes in a human unit: "1 byte", "1023 bytes",
// "1.0 KiB", "255.0 MiB" (binary units, one decimal, rounded half up).
func appendSize(b []byte, n int64) []byte {
	const units = "KMGTPE"
	if n < 1024 {
		b = strconv.AppendInt(b, n, 10)
		if n == 1 {
			return append(b, " byte"...)
		}
		return append(b, " bytes"...)
	}
	u := uint64(n)
	i, div := 0, uint64(1024)
	for i < len(units)-1 && u >= div*1024 {
		i++
		div *= 1024
	}
	whole, tenths := u/div, (u%div*10+div/2)/div
	if tenths == 10 {
		whole, tenths = whole+1, 0
	}
	if whole == 1024 && i < len(units)-1 {
		i, whole = i+1, 1
	}
	b = strconv.AppendUint(b, whole, 10)
	b = append(b, '.', byte('0'+tenths), ' ', units[i], 'i', 'B')
	return b
}
