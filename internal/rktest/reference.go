package rktest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
)

// Reference is the Redis that rk's behaviour is compared with: version
// 7.4, whose behaviour rk follows. Machines without a Redis 7.4 (CI has
// Debian's 7.0) replay a transcript recorded from a real 7.4 server, so the
// comparison runs everywhere and never skips.
//
//   - RK_TEST_REDIS74=/path/to/redis-server (a 7.4 binary): talk to a live
//     server started for the test.
//   - with RK_TEST_RECORD=1 as well: also (re)write the transcript,
//     testdata/redis74/<TestName>.resp.gz.
//   - otherwise: replay the transcript; a test that sends a command the
//     transcript does not have at that point fails and asks to re-record.
type Reference struct {
	t      testing.TB
	live   *Conn
	path   string
	record bool
	buf    bytes.Buffer // transcript being recorded
	replay *resp.Reader
	// start is the reference server's clock when the test began, and
	// began the local clock then.
	start, began time.Time
}

// Reference74 returns the reference Redis for the running test.
func Reference74(t testing.TB) *Reference {
	t.Helper()
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_")
	r := &Reference{t: t, path: filepath.Join("testdata", "redis74", name+".resp.gz")}
	if bin := os.Getenv("RK_TEST_REDIS74"); bin != "" {
		r.live = Dial(t, StartRedisBinary(t, bin))
		if v := r.live.Do("INFO", "server").Str; !strings.Contains(v, "redis_version:7.4.") {
			t.Fatalf("RK_TEST_REDIS74=%s is not Redis 7.4", bin)
		}
		r.record = os.Getenv("RK_TEST_RECORD") != ""
		if r.record {
			t.Cleanup(r.save)
		}
		r.readClock()
		return r
	}
	f, err := os.Open(r.path)
	if err != nil {
		t.Fatalf("no reference transcript %s: record it with RK_TEST_REDIS74=<redis 7.4 redis-server> RK_TEST_RECORD=1 (%v)", r.path, err)
	}
	t.Cleanup(func() { f.Close() })
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("reference transcript %s: %v", r.path, err)
	}
	r.replay = resp.NewReader(bufio.NewReader(zr))
	r.readClock()
	return r
}

// readClock asks the reference for its time, so that Clock can replay it.
func (r *Reference) readClock() {
	r.t.Helper()
	v := r.Do("TIME")
	if len(v.Elems) != 2 {
		r.t.Fatalf("reference TIME = %v", v)
	}
	sec, _ := strconv.ParseInt(v.Elems[0].Str, 10, 64)
	usec, _ := strconv.ParseInt(v.Elems[1].Str, 10, 64)
	r.start, r.began = time.Unix(sec, usec*1000), time.Now()
}

// Clock is a clock for the rk under test that reads what the reference's
// clock read, so replies that depend on the time (TTL of a key given an
// absolute deadline) match a replayed transcript too.
func (r *Reference) Clock() func() time.Time {
	return func() time.Time { return r.start.Add(time.Since(r.began)) }
}

// Do sends a command to the reference and returns its reply.
func (r *Reference) Do(args ...string) resp.Value {
	r.t.Helper()
	cmd := resp.BulkStrings(args...)
	if r.live != nil {
		v := r.live.Do(args...)
		if r.record {
			r.buf.Write(resp.AppendValue(nil, cmd))
			r.buf.Write(resp.AppendValue(nil, v))
		}
		return v
	}
	want, err := r.replay.ReadValue()
	if err != nil || !Equal(want, cmd) {
		r.t.Fatalf("reference transcript %s does not have %q here (it has %v): re-record it with RK_TEST_REDIS74=<redis 7.4 redis-server> RK_TEST_RECORD=1", r.path, args, want)
	}
	v, err := r.replay.ReadValue()
	if err != nil {
		r.t.Fatalf("reference transcript %s: %v", r.path, err)
	}
	return v
}

func (r *Reference) save() {
	if r.t.Failed() {
		return
	}
	if err := os.MkdirAll(filepath.Dir(r.path), 0o755); err != nil {
		r.t.Error(err)
		return
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(r.buf.Bytes())
	zw.Close()
	if err := os.WriteFile(r.path, z.Bytes(), 0o644); err != nil {
		r.t.Error(err)
	}
}

// Doer sends a command and returns its reply: a Conn or a Reference.
type Doer interface {
	Do(args ...string) resp.Value
}
