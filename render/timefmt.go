package render

// tsLen is the length of a timestamp as a stamper writes it:
// "2006-01-02T15:04:05.000000000Z".
const tsLen = 30

// stamper formats daemon timestamps the way `docker logs -t` does (RFC 3339
// in UTC, always nine fractional digits: layout
// "2006-01-02T15:04:05.000000000Z07:00").
//
// It is written by hand because time.Time.AppendFormat allocates nothing but
// is several times slower, and this runs once per line. Lines come in bursts
// within one second, so the text up to the second is cached. An int64 of
// nanoseconds spans the years 1677 to 2262: the year always has four digits.
// The zero value is ready to use.
type stamper struct {
	valid bool
	secs  int64            // the second head was written for
	head  [tsLen - 10]byte // "2006-01-02T15:04:05."
}

// append appends the timestamp of ns nanoseconds after the Unix epoch.
func (s *stamper) append(dst []byte, ns int64) []byte {
	secs, frac := ns/1e9, ns%1e9
	if frac < 0 {
		frac += 1e9
		secs--
	}
	if !s.valid || secs != s.secs {
		s.setSecond(secs)
	}
	var b [tsLen]byte
	copy(b[:], s.head[:])
	put9(b[len(s.head):], int(frac))
	b[tsLen-1] = 'Z'
	return append(dst, b[:]...)
}

// setSecond writes head for the second secs after the epoch.
func (s *stamper) setSecond(secs int64) {
	days, sod := secs/86400, secs%86400
	if sod < 0 {
		sod += 86400
		days--
	}
	y, m, d := civilFromDays(days)
	b := &s.head
	put4(b[0:4], int(y))
	b[4] = '-'
	put2(b[5:7], m)
	b[7] = '-'
	put2(b[8:10], d)
	b[10] = 'T'
	put2(b[11:13], int(sod/3600))
	b[13] = ':'
	put2(b[14:16], int(sod/60%60))
	b[16] = ':'
	put2(b[17:19], int(sod%60))
	b[19] = '.'
	s.secs, s.valid = secs, true
}

// appendTimestamp appends the timestamp of ns without a cache.
func appendTimestamp(dst []byte, ns int64) []byte {
	var s stamper
	return s.append(dst, ns)
}

// civilFromDays converts days since 1970-01-01 to a proleptic Gregorian
// date. It is Howard Hinnant's civil_from_days: shift the year to start on
// March 1st so the leap day is the last day of the year, then split into
// 400-year eras of 146097 days.
func civilFromDays(days int64) (year int64, month, day int) {
	z := days + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March = 0
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// digitPairs holds "00" to "99", so two digits cost one look-up.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// put2 writes v (0–99) as two digits.
func put2(b []byte, v int) {
	_ = b[1]
	b[0], b[1] = digitPairs[2*v], digitPairs[2*v+1]
}

// put4 writes v (0–9999) as four digits.
func put4(b []byte, v int) {
	put2(b[0:2], v/100)
	put2(b[2:4], v%100)
}

// put9 writes v (0–999999999) as nine digits.
func put9(b []byte, v int) {
	_ = b[8]
	b[8] = byte('0' + v%10)
	v /= 10
	put4(b[4:8], v%10000)
	put4(b[0:4], v/10000)
}
