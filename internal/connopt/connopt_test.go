package connopt

import (
	"net/url"
	"path/filepath"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestBackendURL(t *testing.T) {
	abs := func(p string) string { a, _ := filepath.Abs(p); return url.QueryEscape(a) }
	cases := []struct {
		name string
		o    Options
		env  map[string]string
		want string
	}{
		{"default", Options{}, nil, "redis://127.0.0.1:6379"},
		{"host port db", Options{Host: "h", HostSet: true, Port: 7000, PortSet: true, DB: 2, DBSet: true}, nil, "redis://h:7000/2"},
		{"ipv6", Options{Host: "::1", HostSet: true}, nil, "redis://[::1]:6379"},
		{"password", Options{Password: "p@ss", PasswordSet: true}, nil, "redis://:p%40ss@127.0.0.1:6379"},
		{"user", Options{User: "alice", Password: "pw", PasswordSet: true}, nil, "redis://alice:pw@127.0.0.1:6379"},
		{"REDISCLI_AUTH", Options{}, map[string]string{"REDISCLI_AUTH": "env"}, "redis://:env@127.0.0.1:6379"},
		{"-a beats REDISCLI_AUTH", Options{Password: "flag", PasswordSet: true}, map[string]string{"REDISCLI_AUTH": "env"}, "redis://:flag@127.0.0.1:6379"},
		{"URL password beats REDISCLI_AUTH", Options{URL: "redis://secret@h"}, map[string]string{"REDISCLI_AUTH": "env"}, "redis://:secret@h:6379"},
		{"URL", Options{URL: "redis://u:p@h:1/4"}, nil, "redis://u:p@h:1/4"},
		{"flags override URL", Options{URL: "redis://h:1/4", Port: 2, PortSet: true, DB: 5, DBSet: true}, nil, "redis://h:2/5"},
		{"resp3", Options{RESP: 3}, nil, "redis://127.0.0.1:6379?protocol=3"},
		{"tls", Options{TLS: true, CACert: "ca.pem", Insecure: true, SNI: "x"}, nil, "rediss://127.0.0.1:6379?cacert=" + abs("ca.pem") + "&insecure=true&sni=x"},
		{"rediss URL", Options{URL: "rediss://h", Cert: "c.pem", Key: "k.pem"}, nil, "rediss://h:6379?cert=" + abs("c.pem") + "&key=" + abs("k.pem")},
		{"socket", Options{Socket: "/tmp/r.sock", DB: 1, DBSet: true}, nil, "unix:///tmp/r.sock?db=1"},
		{"unix URL with password", Options{URL: "unix://:pw@/tmp/r.sock"}, nil, "unix://:pw@/tmp/r.sock"},
		{"cluster", Options{Cluster: true, Port: 7000, PortSet: true}, nil, "redis+cluster://127.0.0.1:7000"},
		{"cluster tls", Options{Cluster: true, TLS: true}, nil, "rediss+cluster://127.0.0.1:6379"},
		{"cluster URL", Options{URL: "redis+cluster://h:1?addr=h:2"}, nil, "redis+cluster://h:1?addr=h%3A2"},
		{"other backend", Options{URL: "memory://", Port: 1, PortSet: true}, nil, "memory://"},
		{"plugin backend", Options{URL: "example://demo"}, nil, "example://demo"},
	}
	for _, c := range cases {
		got, err := c.o.BackendURL(env(c.env))
		if err != nil || got != c.want {
			t.Errorf("%s: got %q %v, want %q", c.name, got, err, c.want)
		}
	}
}

func TestBackendURLUsageErrors(t *testing.T) {
	for name, o := range map[string]Options{
		"cluster and socket":   {Cluster: true, Socket: "/x"},
		"bad port":             {Port: 70000, PortSet: true},
		"negative db":          {DB: -1, DBSet: true},
		"bad URL":              {URL: "::"},
		"user without pass":    {User: "alice"},
		"TLS option alone":     {CACert: "ca.pem"},
		"cert without key":     {TLS: true, Cert: "c.pem"},
		"TLS over unix":        {TLS: true, Socket: "/x"},
		"db in cluster":        {Cluster: true, DB: 1, DBSet: true},
		"bad db in URL":        {URL: "redis://h/x"},
		"bad protocol version": {RESP: 4},
	} {
		_, err := o.BackendURL(env(nil))
		if err == nil || !IsUsage(err) {
			t.Errorf("%s: got %v, want a usage error", name, err)
		}
	}
}
