package render

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

func TestSGRAllowlist(t *testing.T) {
	tests := []struct {
		seq  string
		pass bool
	}{
		{"\x1b[m", true},
		{"\x1b[0m", true},
		{"\x1b[1;31m", true},
		{"\x1b[;1m", true},
		{"\x1b[2;3;4;5;6;7;9m", true},
		{"\x1b[21;22;23;24;25;26;27;29m", true},
		{"\x1b[30;37;39;40;47;49m", true},
		{"\x1b[90;97;100;107m", true},
		{"\x1b[38;5;208m", true},
		{"\x1b[48;5;0m", true},
		{"\x1b[38;2;255;128;0;48;2;1;2;3m", true},
		{"\x1b[8m", false},      // conceal
		{"\x1b[28m", false},     // reveal
		{"\x1b[1;8m", false},    // conceal among allowed params
		{"\x1b[10m", false},     // font
		{"\x1b[51m", false},     // frame
		{"\x1b[58;5;1m", false}, // underline color
		{"\x1b[38m", false},
		{"\x1b[38;5m", false},
		{"\x1b[38;2;1;2m", false},
		{"\x1b[38;5;256m", false},
		{"\x1b[38;3;1m", false},
		{"\x1b[38:5:1m", false}, // sub-parameters
		{"\x1b[256m", false},
		{"\x1b[?1m", false},
		{"\x1b[1 m", false},
		{"\x1b[6n", false},
		{"\x1b[1;31", false}, // unterminated
		{"\x1b]0;x\x07", false},
		{"\x1b[" + strings.Repeat("1;", 16) + "1m", false}, // 17 params
		{"\x1b[" + strings.Repeat("0", 62) + "m", false},   // too long
	}
	for _, tt := range tests {
		got := sgrLen([]byte(tt.seq+"rest")) == len(tt.seq)
		assert.Equal(t, got, tt.pass, "%q", tt.seq)
		if tt.pass {
			assert.Assert(t, allowedByList(tt.seq), "%q: the test's reading differs", tt.seq)
		}
	}
}

// TestSGRAllowlistAgrees compares sgrLen with the test's own reading of the
// allowlist on random sequences made of interesting params.
func TestSGRAllowlistAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	nums := []int{0, 1, 2, 5, 7, 8, 9, 10, 21, 27, 28, 29, 30, 38, 39, 40, 48, 49, 58, 90, 97, 98, 100, 107, 108, 255, 256}
	for range 100_000 {
		n := r.IntN(7)
		ps := make([]string, n)
		for i := range ps {
			if r.IntN(10) == 0 {
				continue // an empty param
			}
			ps[i] = strconv.Itoa(nums[r.IntN(len(nums))])
		}
		seq := "\x1b[" + strings.Join(ps, ";") + "m"
		want := allowedByList(seq) && len(seq) <= maxSGR && n <= maxParams
		if got := sgrLen([]byte(seq)) == len(seq); got != want {
			t.Fatalf("%q: sgrLen says %v", seq, got)
		}
	}
}

func TestSanitizeANSI(t *testing.T) {
	in := "a\x1b[31mred\x1b[0m \x1b[6n \x1b[8mhidden\x1b[m\xff\u202e"
	got, spans := appendSanitizedANSI([]byte(">"), []byte(in), nil)
	assert.Equal(t, string(got), ">a\x1b[31mred\x1b[0m ^[[6n ^[[8mhidden\x1b[m\uFFFD<U+202E>")
	assert.Assert(t, slices.Equal(spans, []span{{1, 6}, {9, 13}, {31, 34}}), "%v", spans)
	for _, s := range spans {
		seq := string(got[1+s.lo : 1+s.hi])
		assert.Assert(t, strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m"), seq)
	}
}
