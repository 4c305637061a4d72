package backend_test

import (
	"testing"

	"github.com/rk-redis/rk/backend"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"redis://127.0.0.1:6379":             "redis://127.0.0.1:6379",
		"redis://:s3cret@h:6379/2":           "redis://:xxxxx@h:6379/2",
		"redis://alice:s3cret@h":             "redis://alice:xxxxx@h",
		"redis://s3cret@h":                   "redis://xxxxx@h",
		"unix:///tmp/r.sock?password=s3cret": "unix:///tmp/r.sock?password=xxxxx",
		"redis://:s3cret@h:notaport":         "redis://xxxxx@h:notaport",
		"memory://":                          "memory://",
	} {
		if got := backend.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
