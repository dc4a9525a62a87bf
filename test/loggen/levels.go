package main

import "fmt"

// levelsScript is the fixed output of -mode levels: lines of several formats
// and levels, and stack traces, each tagged with its expected level and the
// number of lines of its entry, for the end-to-end tests of levels,
// grouping, filters and output formats.
var levelsScript = []struct {
	stderr bool
	text   string
}{
	{false, `{"level":"info","msg":"server started","port":8080,"expect":"info/1"}`},
	{false, `{"level":"warn","msg":"slow request","duration_ms":1234,"route":"/api/orders","expect":"warn/1"}`},
	{true, `time=2026-11-21T10:00:00Z level=error msg="payment failed" provider=stripe trace_id=4bf92f3577b34da6 expect=error/1`},
	{false, `172.18.0.4 - - [21/Nov/2026:10:00:01 +0000] "GET /api/orders HTTP/1.1" 200 512 "-" "curl/8" expect=info/1`},
	{false, `172.18.0.4 - - [21/Nov/2026:10:00:02 +0000] "POST /api/orders HTTP/1.1" 503 87 "-" "curl/8" expect=error/1`},
	{false, `2026-11-21 10:00:03.123 UTC [61] LOG:  checkpoint complete expect=info/1`},
	{true, "2026-11-21 10:00:04.456 ERROR [main] c.e.OrderService - order failed expect=error/4"},
	{true, "java.lang.IllegalStateException: stock is negative"},
	{true, "\tat com.example.OrderService.place(OrderService.java:42)"},
	{true, "\tat com.example.Api.handle(Api.java:7)"},
	{false, `{"level":"debug","msg":"cache miss","key":"user:42","expect":"debug/1"}`},
	{true, "Traceback (most recent call last):"},
	{true, `  File "/app/worker.py", line 12, in run`},
	{true, "    send(job)"},
	{true, "ValueError: invalid address expect=error/4"},
	{false, "INFO request failed with error=none expect=info/1"},
	{true, "panic: runtime error: index out of range [3] with length 3 expect=fatal/5"},
	{true, ""},
	{true, "goroutine 1 [running]:"},
	{true, "main.main()"},
	{true, "\t/app/main.go:9 +0x1d"},
	{false, `{"level":"info","msg":"done","expect":"info/1"}`},
}

func (g *gen) levels() {
	for _, l := range levelsScript {
		w := g.out
		if l.stderr {
			w = g.err
		}
		fmt.Fprintln(w, l.text)
		g.flush() // one write per line: the daemon stamps them apart
	}
}
