package render

import (
	"strings"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// detected is a line as the pipeline hands it over: format and level set
// by logline.Quick.
func detected(src *entry.Source, ms int64, msg string) entry.Entry {
	e := line(src, ms, msg)
	e.Level, e.Format = logline.Quick(e.Msg)
	return e
}

// grouped is a multi-line entry as the pipeline groups it: the level and
// format of its first line.
func grouped(src *entry.Source, ms int64, lines ...string) entry.Entry {
	e := detected(src, ms, lines[0])
	e.Msg = []byte(strings.Join(lines, "\n"))
	e.Flags |= entry.Grouped
	return e
}

// levelSession holds structured and text lines of every level.
func levelSession() []entry.Entry {
	stderr := detected(db1, 6, `2026-11-21 02:22:03.600 UTC [42] ERROR:  duplicate key value violates unique constraint "orders_pkey"`)
	stderr.Stream = entry.Stderr
	return []entry.Entry{
		detected(api1, 0, `{"level":"info","ts":"2026-11-21T02:22:03.589Z","msg":"request served","method":"GET","path":"/api/v1/items","status":200,"duration_ms":12.5,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}`),
		detected(api2, 1, `{"level":"warn","time":"2026-11-21T02:22:03.590Z","msg":"slow query","db":{"table":"orders","rows":1200},"query":"SELECT * FROM orders WHERE \"user\" = $1","tags":["a","b"]}`),
		detected(worker1, 2, `time=2026-11-21T02:22:03Z level=error msg="job failed" job=17 err="connection refused" attempt=3`),
		detected(worker1, 3, `level=debug msg=polling queue=default empty=`),
		detected(api1, 4, `{"level":10,"msg":"enter handler","handler":"items"}`),
		detected(api1, 5, `{"level":"fatal","msg":"cannot bind :8080","error":"listen tcp :8080: bind: address already in use"}`),
		stderr,
		detected(db1, 7, `2026-11-21 02:22:03.590 UTC [1] LOG:  checkpoint starting: time`),
		detected(api2, 8, `{"msg":"no level here","user":"bob","note":"key=value inside"}`),
		detected(api2, 9, `{"level":"info"}`),
		detected(api2, 10, `{"level":"error","msg":"two\nlines","k":"tab\there","nested":{"deep":{"x":1},"empty":{}}}`),
		detected(worker1, 11, `WARN[0003] disk almost full                              path=/data`),
		detected(worker1, 12, `2026/11/21 02:22:03 DEBUG cache miss key=user:17`),
		detected(api1, 13, `GET /orders/17 500 3.1ms`),
		detected(api1, 14, `plain text without a level`),
		detected(api1, 15, `{"level":"info","msg":"unicode ✓ héllo","city":"Zürich","bidi":"a\u202eb"}`),
	}
}

// javaTrace, goPanic, springTrace and zapTrace are grouped entries as real
// programs print them.
var (
	javaTrace = []string{
		`Exception in thread "main" java.lang.RuntimeException: failed to start`,
		"\tat com.example.App.start(App.java:25)",
		"\tat com.example.App.main(App.java:10)",
		"\tSuppressed: java.lang.IllegalStateException: cleanup failed",
		"\t\tat com.example.App.close(App.java:40)",
		"\t\t... 1 more",
		"Caused by: java.io.FileNotFoundException: /etc/app/config.yml (No such file or directory)",
		"\tat java.base/java.io.FileInputStream.open0(Native Method)",
		"\t... 1 more",
	}
	goPanic = []string{
		"panic: runtime error: invalid memory address or nil pointer dereference",
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a5f32]",
		"",
		"goroutine 1 [running]:",
		"main.(*Server).handle(0x0, {0x5c3e80, 0xc0000a2000})",
		"\t/app/server.go:42 +0x12",
		"main.main()",
		"\t/app/main.go:17 +0x85",
	}
	springTrace = []string{
		"2024-01-01T12:00:00.123Z ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception with root cause",
		"java.lang.IllegalStateException: boom",
		"\tat com.example.demo.DemoController.hello(DemoController.java:14) ~[classes/:na]",
		"\tat java.base/java.lang.Thread.run(Thread.java:1583) ~[na:na]",
	}
	zapTrace = []string{
		`{"level":"error","ts":1704110400.1,"caller":"api/handler.go:88","msg":"request failed","error":"EOF"}`,
		"main.handle",
		"\t/app/handler.go:88",
	}
)

// groupSession holds grouped entries between single lines.
func groupSession() []entry.Entry {
	java := grouped(api1, 1, javaTrace...)
	java.Level = entry.Error
	cut := grouped(worker1, 4, zapTrace...)
	cut.Cut = 4096
	return []entry.Entry{
		detected(api1, 0, "12:00:01.000 [main] INFO  com.example.Launcher - starting"),
		java,
		grouped(worker1, 2, goPanic...),
		grouped(api2, 3, springTrace...),
		cut,
		detected(api1, 5, "12:00:01.000 [main] INFO  com.example.Launcher - restarting"),
	}
}

// ansiSession holds lines that color themselves, with allowed and refused
// sequences.
func ansiSession() []entry.Entry {
	return []entry.Entry{
		detected(api1, 0, "\x1b[32mINFO\x1b[0m server started on \x1b[1m:8080\x1b[0m"),
		detected(api1, 1, "\x1b[38;5;208morange\x1b[39m and \x1b[38;2;10;20;30mtrue color\x1b[m and \x1b[48;5;17;1;4mmixed\x1b[0m"),
		detected(api1, 2, "\x1b[8mconcealed secret\x1b[28m \x1b[38;5;300mout of range\x1b[0m \x1b[38:5:1msubparams\x1b[0m"),
		detected(api1, 3, "\x1b[2J\x1b[H cleared \x1b]0;title\x07 \x1b[?25l \x1b[31;6n mixed CSI \x1b[38;5m short"),
		detected(api1, 4, "\x1b[31mred never reset, bleeding"),
		detected(api1, 5, "\x1b[1;31mERROR\x1b[0m connection refused to \x1b[4mdb:5432\x1b[24m"),
		grouped(api1, 6, "\x1b[31mpanic: boom\x1b[0m", "\x1b[33mgoroutine 1 [running]:", "\tmain.main()"),
	}
}
