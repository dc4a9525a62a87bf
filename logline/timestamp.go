package logline

// isTimestampish reports header tokens made of digits and date/time
// punctuation: dates, times, epoch seconds, zone offsets, pids, IP
// addresses. Letters may appear only as T/Z, AM/PM, a zone name or a month
// name ("01-Jan-2024", "12:00AM", "2024-01-01T00:00:00Z").
func isTimestampish(t []byte) bool {
	digits := 0
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case isDigit(c):
			digits++
			i++
		case c == '-' || c == ':' || c == '/' || c == '.' || c == ',' || c == '+' || c == '_' || c == '#':
			i++
		case isLetter(c):
			j := i
			for j < len(t) && isLetter(t[j]) {
				j++
			}
			if !timeLetters(t[i:j]) {
				return false
			}
			i = j
		default:
			return false
		}
	}
	return digits > 0
}

// timeLetters accepts the letter runs of a timestamp.
func timeLetters(w []byte) bool {
	switch string(w) {
	case "T", "Z", "AM", "PM", "am", "pm", "UTC", "GMT":
		return true
	}
	return len(w) == 3 && isMonth(w)
}

func isMonth(w []byte) bool {
	switch string(w) {
	case "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
		"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC":
		return true
	}
	return false
}

// isCalendarWord accepts month and weekday names standing alone, as in
// syslog's "Jan  2 15:04:05" or "Mon Jan 02 …".
func isCalendarWord(w []byte) bool {
	if len(w) != 3 {
		return false
	}
	switch string(w) {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return isMonth(w)
}

// isZone accepts the zone names printed after a time (PostgreSQL's "UTC").
func isZone(w []byte) bool {
	switch string(w) {
	case "UTC", "GMT", "Z", "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "IST",
		"PST", "PDT", "MST", "MDT", "CST", "CDT", "EST", "EDT", "JST", "KST", "HKT", "SGT",
		"AEST", "AEDT", "MSK":
		return true
	}
	return false
}

// startsWithTimestamp reports whether a line opens with a timestamp, bare
// or bracketed ("2024-01-01 …", "[2024-01-01 …]", "12:00:00.123 …",
// "Jan  2 15:04:05 …"). A bare number is not one.
func startsWithTimestamp(b []byte) bool {
	b = trimBlankLeft(b)
	if len(b) > 0 && b[0] == '[' {
		b = b[1:]
	}
	j := 0
	for j < len(b) && !isBlank(b[j]) && b[j] != ']' {
		j++
	}
	tok := b[:j]
	if isCalendarWord(tok) {
		return true
	}
	if !isTimestampish(tok) || allDigits(tok) {
		return false
	}
	// a date or a time: digits with '-', '/', ':' or '.' between them
	for i := 1; i+1 < len(tok); i++ {
		switch tok[i] {
		case '-', '/', ':', '.':
			if isDigit(tok[i-1]) && isDigit(tok[i+1]) {
				return digitsIn(tok) >= 4
			}
		}
	}
	return false
}

func digitsIn(b []byte) int {
	n := 0
	for _, c := range b {
		if isDigit(c) {
			n++
		}
	}
	return n
}

// isMeridiem accepts a 12-hour clock's AM/PM standing after the time.
func isMeridiem(w []byte) bool {
	switch string(w) {
	case "AM", "PM", "am", "pm":
		return true
	}
	return false
}
