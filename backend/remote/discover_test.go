package remote_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/backend/remote/remotetest"
	"github.com/rk-redis/rk/internal/resp"
)

func writeExec(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestFindAndList(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	t.Setenv("RK_PLUGIN_PATH", d1+string(os.PathListSeparator)+d2)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	writeExec(t, filepath.Join(d2, "rk-plugin-foo"))
	writeExec(t, filepath.Join(d1, "rk-plugin-bar"))
	writeExec(t, filepath.Join(d2, "rk-plugin-bar"))
	os.WriteFile(filepath.Join(d1, "rk-plugin-notexec"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(d1, "README"), []byte("x"), 0o755)

	if p, err := remote.Find("foo"); err != nil || p != filepath.Join(d2, "rk-plugin-foo") {
		t.Errorf("Find(foo) = %q, %v", p, err)
	}
	if p, err := remote.Find("bar"); err != nil || p != filepath.Join(d1, "rk-plugin-bar") {
		t.Errorf("Find(bar) = %q, %v (the first directory wins)", p, err)
	}
	if _, err := remote.Find("notexec"); err == nil || !strings.Contains(err.Error(), "rk-plugin-notexec not found in "+d1) {
		t.Errorf("Find(notexec): %v", err)
	}
	if _, err := remote.Find("../evil"); err == nil {
		t.Error("Find accepted a path as a name")
	}
	var got []string
	for _, f := range remote.List() {
		s := f.Name + "@" + filepath.Base(filepath.Dir(f.Path))
		if f.Shadowed {
			s += "(shadowed)"
		}
		got = append(got, s)
	}
	want := []string{"bar@" + filepath.Base(d1), "bar@" + filepath.Base(d2) + "(shadowed)", "foo@" + filepath.Base(d2)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("List = %v, want %v", got, want)
	}
	if dirs := remote.SearchDirs(); len(dirs) < 3 || dirs[0] != d1 || dirs[1] != d2 {
		t.Errorf("SearchDirs = %v", dirs)
	}
	if remote.PluginName("Example+cluster") != "example" {
		t.Error("PluginName")
	}
}

// TestExamplePlugin builds plugins/example as a third-party plugin, puts it
// on RK_PLUGIN_PATH, and uses it through a registry whose fallback launches
// rk-plugin-NAME for NAME:// URLs.
func TestExamplePlugin(t *testing.T) {
	dir := t.TempDir()
	if _, err := remotetest.Build(dir, "./plugins/example", "rk-plugin-example"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RK_PLUGIN_PATH", dir)
	reg := &backend.Registry{}
	reg.SetFallback(remote.ThirdPartyFactory(remote.Plugin{}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	raw, err := reg.Open(ctx, "example://demo")
	if err != nil {
		t.Fatal(err)
	}
	b := raw.(*remote.Backend)
	t.Cleanup(func() { b.Close() })
	if b.Name() != "example" || b.Info().Version != "1.0.0" {
		t.Errorf("name %q info %+v", b.Name(), b.Info())
	}
	s := session(t, b)
	if got := one(t, s, "SET", "k", "v"); got.Str != "OK" {
		t.Errorf("SET: %v", got)
	}
	if got := one(t, s, "GET", "k"); got.Kind != resp.KindBulk || got.Str != "v" {
		t.Errorf("GET: %v", got)
	}
	if got := one(t, s, "FOO"); got.Str != "ERR unknown command 'foo', with args beginning with: " {
		t.Errorf("unknown: %v", got)
	}
	w := resp.NewWriter()
	s.Do(ctx, [][]byte{[]byte("HELLO"), []byte("3")}, w)
	if w.Proto() != 3 {
		t.Errorf("HELLO 3 left the writer at RESP%d", w.Proto())
	}
	if got := one(t, s, "GET", "missing"); got.Kind != resp.KindNull {
		t.Errorf("RESP3 null: %v", got)
	}
	// Pub/sub through the plugin's event stream.
	sub := session(t, b)
	msgs := make(chan resp.Value, 1)
	sub.SetPushHandler(func(v resp.Value) { msgs <- v })
	one(t, sub, "SUBSCRIBE", "news")
	if got := one(t, s, "PUBLISH", "news", "hi"); got.Int != 1 {
		t.Errorf("PUBLISH: %v", got)
	}
	select {
	case m := <-msgs:
		if m.Elems[0].Str != "message" || m.Elems[2].Str != "hi" {
			t.Errorf("message: %v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message")
	}
	// QUIT ends the session.
	one(t, s, "QUIT")
	select {
	case <-s.Done():
	case <-time.After(2 * time.Second):
		t.Error("QUIT did not end the session")
	}

	// A plugin that crashes in the middle of a command.
	raw, err = reg.Open(ctx, "example://demo?crash=do")
	if err != nil {
		t.Fatal(err)
	}
	cb := raw.(*remote.Backend)
	t.Cleanup(func() { cb.Close() })
	cs := session(t, cb)
	got := one(t, cs, "PING")
	if !got.IsError() || !strings.HasPrefix(got.Str, "ERR plugin example (pid ") || !strings.Contains(got.Str, "exited unexpectedly") {
		t.Errorf("crash: %v", got)
	}

	// No plugin for a scheme: the error says where rk looked.
	if _, err := reg.Open(ctx, "nothere://x"); err == nil || !strings.Contains(err.Error(), "rk-plugin-nothere not found in "+dir) {
		t.Errorf("missing plugin: %v", err)
	}
}
