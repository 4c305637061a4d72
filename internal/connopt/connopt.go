// Package connopt turns redis-cli style connection options (-h -p -s -a
// --user -n -u -2/-3 --tls... --cluster, and REDISCLI_AUTH) into a backend
// URL, and opens it through a backend.Registry. rk shell, rk script kill
// and rk client use it, so they connect the same way.
//
// Precedence follows redis-cli: -u sets everything it names; flags given
// explicitly override it; REDISCLI_AUTH supplies the password only when
// neither -a nor the URL does.
package connopt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rk-redis/rk/backend"
)

// DefaultURL is where rk connects when told nothing, as redis-cli does.
const DefaultURL = "redis://127.0.0.1:6379"

// Options are the connection settings. The *Set fields record which ones
// were given explicitly.
type Options struct {
	Host    string
	HostSet bool
	Port    int
	PortSet bool
	Socket  string

	User        string
	Password    string
	PasswordSet bool
	DB          int
	DBSet       bool

	// URL is -u: a redis://, rediss://, unix:// URL, or any backend URL
	// (memory://, NAME:// for a plugin).
	URL string

	// RESP is 2 or 3 (-2, -3), or 0 for the default (2).
	RESP int

	TLS       bool
	CACert    string
	CACertDir string
	Cert      string
	Key       string
	SNI       string
	Insecure  bool

	// Cluster routes commands across a Redis Cluster (--cluster).
	Cluster bool
}

// UsageError is a bad combination of options (exit status 2).
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usage(format string, args ...any) error {
	return &UsageError{fmt.Sprintf(format, args...)}
}

// BackendURL returns the backend URL the options describe. getenv reads
// the environment (os.Getenv; tests pass their own).
func (o Options) BackendURL(getenv func(string) string) (string, error) {
	if o.Cluster && o.Socket != "" {
		return "", usage("options --cluster and -s are mutually exclusive")
	}
	if o.PortSet && (o.Port < 0 || o.Port > 65535) {
		return "", usage("invalid server port %d", o.Port)
	}
	if o.DBSet && o.DB < 0 {
		return "", usage("invalid database number %d", o.DB)
	}
	if o.RESP != 0 && o.RESP != 2 && o.RESP != 3 {
		return "", usage("invalid protocol %d (2 or 3)", o.RESP)
	}

	u := &url.URL{Scheme: "redis"}
	host, port := "127.0.0.1", "6379"
	var user, pass string
	passSet := false
	db := 0
	q := url.Values{}
	if o.URL != "" {
		pu, err := url.Parse(o.URL)
		if err != nil || pu.Scheme == "" {
			return "", usage("invalid URL %q: expected redis://[[user]:password@]host[:port][/db]", backend.RedactURL(o.URL))
		}
		switch strings.ToLower(pu.Scheme) {
		case "redis", "rediss", "unix", "redis+cluster", "rediss+cluster":
		default:
			// Another backend (memory://, NAME:// for a plugin): used as
			// given; connection flags do not apply to it.
			return o.URL, nil
		}
		u.Scheme = strings.ToLower(pu.Scheme)
		if pu.User != nil {
			user = pu.User.Username()
			var ok bool
			if pass, ok = pu.User.Password(); ok {
				passSet = true
			} else if user != "" {
				pass, passSet, user = user, true, ""
			}
		}
		if u.Scheme == "unix" {
			u.Path = pu.Path
		} else {
			if h := pu.Hostname(); h != "" {
				host = h
			}
			if p := pu.Port(); p != "" {
				port = p
			}
			if p := strings.Trim(pu.Path, "/"); p != "" {
				n, err := strconv.Atoi(p)
				if err != nil || n < 0 {
					return "", usage("invalid database number %q in URL", p)
				}
				db = n
			}
		}
		q = pu.Query()
		if v := q.Get("db"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return "", usage("invalid database number %q in URL", v)
			}
			db = n
			q.Del("db")
		}
	}
	if o.HostSet {
		host = o.Host
	}
	if o.PortSet {
		port = strconv.Itoa(o.Port)
	}
	if o.Socket != "" {
		u.Scheme = "unix"
		p, err := filepath.Abs(o.Socket)
		if err != nil {
			return "", usage("socket path %q: %v", o.Socket, err)
		}
		u.Path = p
	}
	if o.User != "" {
		user = o.User
	}
	if o.PasswordSet {
		pass, passSet = o.Password, true
	}
	if !passSet {
		if v := getenv("REDISCLI_AUTH"); v != "" {
			pass, passSet = v, true
		}
	}
	if user != "" && !passSet {
		return "", usage("--user %s needs a password (-a, the URL, or REDISCLI_AUTH)", user)
	}
	if o.DBSet {
		db = o.DB
	}
	if o.RESP == 3 {
		q.Set("protocol", "3")
	} else if o.RESP == 2 {
		q.Del("protocol")
	}

	tls := o.TLS || u.Scheme == "rediss" || u.Scheme == "rediss+cluster"
	if !tls && (o.CACert != "" || o.CACertDir != "" || o.Cert != "" || o.Key != "" || o.SNI != "" || o.Insecure) {
		return "", usage("TLS options (--cacert, --cacertdir, --cert, --key, --sni, --insecure) need --tls or a rediss:// URL")
	}
	if (o.Cert == "") != (o.Key == "") {
		return "", usage("--cert and --key go together")
	}
	setIf := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	setIf("cacert", abs(o.CACert))
	setIf("cacertdir", abs(o.CACertDir))
	setIf("cert", abs(o.Cert))
	setIf("key", abs(o.Key))
	setIf("sni", o.SNI)
	if o.Insecure {
		q.Set("insecure", "true")
	}

	switch {
	case u.Scheme == "unix":
		if tls {
			return "", usage("TLS is not available over a unix socket")
		}
		if db != 0 {
			q.Set("db", strconv.Itoa(db))
		}
	default:
		cluster := o.Cluster || strings.HasSuffix(u.Scheme, "+cluster")
		switch {
		case cluster && tls:
			u.Scheme = "rediss+cluster"
		case cluster:
			u.Scheme = "redis+cluster"
		case tls:
			u.Scheme = "rediss"
		default:
			u.Scheme = "redis"
		}
		if cluster && db != 0 {
			return "", usage("Redis Cluster has only database 0 (asked for %d)", db)
		}
		u.Host = net.JoinHostPort(host, port)
		if db != 0 {
			u.Path = "/" + strconv.Itoa(db)
		}
	}
	if passSet {
		u.User = url.UserPassword(user, pass)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func abs(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// Open opens the backend the options describe through reg.
func (o Options) Open(ctx context.Context, reg *backend.Registry, getenv func(string) string) (backend.Backend, error) {
	u, err := o.BackendURL(getenv)
	if err != nil {
		return nil, err
	}
	return reg.Open(ctx, u)
}

// IsUsage reports whether err is a usage error.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}
