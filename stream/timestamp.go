package stream

import (
	"strconv"
	"time"
)

// tsLen is the length of the timestamp the daemon puts before every message
// when timestamps=1: RFC3339 in UTC with exactly nine fractional digits
// ("2026-11-21T01:49:48.662610790Z"). A space follows it.
const tsLen = 30

// parseTS parses a daemon timestamp into nanoseconds since the epoch. The
// fixed-width UTC form the daemon sends is parsed by hand (it is on the hot
// path); anything else falls back to time.Parse.
func parseTS(b []byte) (int64, bool) {
	if len(b) == tsLen && b[4] == '-' && b[7] == '-' && b[10] == 'T' && b[13] == ':' &&
		b[16] == ':' && b[19] == '.' && b[29] == 'Z' {
		year, ok1 := digits(b[0:4])
		mon, ok2 := digits(b[5:7])
		day, ok3 := digits(b[8:10])
		hh, ok4 := digits(b[11:13])
		mm, ok5 := digits(b[14:16])
		ss, ok6 := digits(b[17:19])
		frac, ok7 := digits(b[20:29])
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && mon >= 1 && mon <= 12 && day >= 1 && day <= 31 &&
			hh < 24 && mm < 60 && ss < 61 {
			days := daysFromCivil(year, mon, day)
			return ((days*24+hh)*60+mm)*60*1e9 + ss*1e9 + frac, true
		}
		return 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}

func digits(b []byte) (int64, bool) {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// daysFromCivil returns the number of days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// sinceArg formats ns for the Engine's since/until query parameters. The
// API reads "seconds.nanoseconds"; a bare UnixNano would be read as seconds
// (logs return nothing, events replay everything).
func sinceArg(ns int64) string {
	sec, frac := ns/1e9, ns%1e9
	if frac < 0 {
		sec, frac = sec-1, frac+1e9
	}
	b := strconv.AppendInt(nil, sec, 10)
	b = append(b, '.')
	f := strconv.AppendInt(nil, frac, 10)
	for i := len(f); i < 9; i++ {
		b = append(b, '0')
	}
	return string(append(b, f...))
}

// formatTS formats ns like the daemon: RFC3339 UTC with nine fractional
// digits.
func formatTS(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.000000000Z")
}
