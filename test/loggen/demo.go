package main

import (
	"fmt"
	"strings"
	"time"
)

// demo writes realistic logs for the bundled demo project: an HTTP API with
// access lines and structured events, a job worker that logs JSON and crashes
// with a Go panic now and then, and a chatty PostgreSQL-like database.
func (g *gen) demo(kind string) int {
	rate := g.c.rate
	if rate <= 0 {
		rate = 4
	}
	start := time.Now()
	for i := 0; g.c.lines == 0 || i < g.c.lines; i++ {
		g.pace(start, i)
		g.seq++
		var crash bool
		switch kind {
		case "api":
			g.apiLine()
		case "worker":
			crash = g.workerLine()
		case "db":
			g.dbLine()
		}
		g.flush()
		if crash {
			return 2
		}
	}
	g.finish()
	return g.c.exitCode
}

var (
	paths   = []string{"/api/orders", "/api/orders/42", "/api/users/me", "/healthz", "/api/cart", "/api/search?q=shoes", "/login"}
	methods = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
)

func (g *gen) apiLine() {
	now := time.Now().UTC()
	switch r := g.rnd.IntN(100); {
	case r < 70:
		status := 200
		switch s := g.rnd.IntN(100); {
		case s < 6:
			status = 404
		case s < 9:
			status = 401
		case s < 12:
			status = 500
		case s < 20:
			status = 201
		}
		fmt.Fprintf(g.out, "172.18.0.%d - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" \"Mozilla/5.0\" rt=%.3f\n",
			2+g.rnd.IntN(8), now.Format("02/Jan/2006:15:04:05 -0700"), methods[g.rnd.IntN(len(methods))],
			paths[g.rnd.IntN(len(paths))], status, 200+g.rnd.IntN(4000), g.rnd.Float64()/4)
	case r < 85:
		fmt.Fprintf(g.out, "time=%s level=info msg=\"order placed\" order_id=%d user_id=%d total=%.2f trace_id=%016x\n",
			now.Format(time.RFC3339Nano), 1000+g.seq, g.rnd.IntN(500), g.rnd.Float64()*200, g.rnd.Uint64())
	case r < 95:
		fmt.Fprintf(g.out, "time=%s level=warn msg=\"slow query\" duration_ms=%d table=orders trace_id=%016x\n",
			now.Format(time.RFC3339Nano), 250+g.rnd.IntN(2000), g.rnd.Uint64())
	default:
		fmt.Fprintf(g.err, "time=%s level=error msg=\"payment provider timeout\" provider=stripe attempt=%d trace_id=%016x\n",
			now.Format(time.RFC3339Nano), 1+g.rnd.IntN(3), g.rnd.Uint64())
	}
}

// workerLine logs one job; it returns true when the worker crashes.
func (g *gen) workerLine() bool {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	job := fmt.Sprintf("job-%05d", g.seq)
	switch r := g.rnd.IntN(100); {
	case r < 75:
		fmt.Fprintf(g.out, `{"time":%q,"level":"info","msg":"job done","job":%q,"queue":"emails","duration_ms":%d}`+"\n",
			now, job, 5+g.rnd.IntN(300))
	case r < 88:
		fmt.Fprintf(g.out, `{"time":%q,"level":"debug","msg":"polling queue","queue":"emails","depth":%d}`+"\n",
			now, g.rnd.IntN(40))
	case r < 96:
		fmt.Fprintf(g.out, `{"time":%q,"level":"warn","msg":"retrying job","job":%q,"attempt":%d,"error":"smtp: 421 try again later"}`+"\n",
			now, job, 1+g.rnd.IntN(4))
	case r < 99:
		fmt.Fprintf(g.err, `{"time":%q,"level":"error","msg":"job failed","job":%q,"error":"template \"welcome\" not found"}`+"\n",
			now, job)
	default:
		fmt.Fprintf(g.err, "panic: runtime error: invalid memory address or nil pointer dereference\n"+
			"[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x4a1b2c]\n\n"+
			"goroutine 7 [running]:\n"+
			"main.(*Worker).process(0xc000120000, {0xc00001c0a0, 0x9})\n"+
			"\t/src/worker/worker.go:88 +0x2c\n"+
			"main.(*Worker).Run(0xc000120000)\n"+
			"\t/src/worker/worker.go:51 +0x1a5\n"+
			"created by main.main in goroutine 1\n"+
			"\t/src/worker/main.go:23 +0x9f\n")
		return true
	}
	return false
}

var dbStatements = []string{
	"INSERT INTO orders (user_id, total) VALUES ($1, $2)",
	"UPDATE carts SET updated_at = now() WHERE id = $1",
	"SELECT * FROM users WHERE email = $1",
}

func (g *gen) dbLine() {
	ts := time.Now().UTC().Format("2006-01-02 15:04:05.000 UTC")
	pid := 60 + g.rnd.IntN(40)
	switch r := g.rnd.IntN(100); {
	case r < 55:
		fmt.Fprintf(g.out, "%s [%d] LOG:  duration: %.3f ms  statement: %s\n",
			ts, pid, g.rnd.Float64()*40, dbStatements[g.rnd.IntN(len(dbStatements))])
	case r < 70:
		fmt.Fprintf(g.out, "%s [%d] LOG:  checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added\n",
			ts, pid, g.rnd.IntN(900), g.rnd.Float64()*5)
	case r < 85:
		fmt.Fprintf(g.out, "%s [%d] LOG:  connection authorized: user=app database=shop application_name=api\n", ts, pid)
	case r < 94:
		fmt.Fprintf(g.out, "%s [%d] WARNING:  there is no transaction in progress\n", ts, pid)
	default:
		fmt.Fprintf(g.err, "%s [%d] ERROR:  duplicate key value violates unique constraint \"orders_pkey\"\n"+
			"%s [%d] DETAIL:  Key (id)=(%d) already exists.\n"+
			"%s [%d] STATEMENT:  %s\n",
			ts, pid, ts, pid, 1000+g.rnd.IntN(5000), ts, pid, strings.TrimSpace(dbStatements[0]))
	}
}
