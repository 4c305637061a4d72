package redis

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rk-redis/rk/plugins/protocol"
)

// Schemes are the URL schemes the driver accepts.
var Schemes = []string{"redis", "rediss", "unix", "redis+cluster", "rediss+cluster"}

// config is a parsed backend URL.
type config struct {
	cluster bool
	network string   // "tcp" or "unix"
	addrs   []string // host:port seeds, or the socket path
	user    string
	pass    string
	hasPass bool
	db      int
	proto   int // 2 or 3
	name    string
	tls     *tls.Config
	sni     bool // the TLS server name was given (sni=...)
	dial    time.Duration
}

const defaultDialTimeout = 10 * time.Second

// parseURL reads a backend URL:
//
//	redis://[[user]:password@]host[:port][/db][?options]
//	rediss://...                      TLS
//	unix://[[user]:password@]/path/to/socket[?db=N&options]
//	redis+cluster://host:port[?addr=host2:port2...]   Redis Cluster, seed nodes
//	rediss+cluster://...              Redis Cluster over TLS
//
// As in redis-cli, userinfo without a colon is a password for the default
// user. Options: protocol=2|3, db=N, name=CLIENTNAME, dial_timeout=5s,
// addr=host:port (more cluster seeds), and for TLS cacert=FILE,
// cacertdir=DIR, cert=FILE, key=FILE, sni=HOST, insecure=true.
func parseURL(raw string) (*config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, protocol.Errorf(protocol.CodeInvalid, "invalid URL: %v", err)
	}
	cfg := &config{network: "tcp", proto: 2, dial: defaultDialTimeout}
	scheme := strings.ToLower(u.Scheme)
	useTLS := false
	switch scheme {
	case "redis":
	case "rediss":
		useTLS = true
	case "redis+cluster":
		cfg.cluster = true
	case "rediss+cluster":
		cfg.cluster, useTLS = true, true
	case "unix":
		cfg.network = "unix"
	default:
		return nil, protocol.Errorf(protocol.CodeInvalid, "unsupported URL scheme %q (use %s)", u.Scheme, strings.Join(Schemes, ", "))
	}
	if u.User != nil {
		cfg.user = u.User.Username()
		cfg.pass, cfg.hasPass = u.User.Password()
		if !cfg.hasPass && cfg.user != "" {
			cfg.pass, cfg.hasPass, cfg.user = cfg.user, true, ""
		}
	}
	q := u.Query()
	if cfg.network == "unix" {
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		if p == "" {
			return nil, protocol.Errorf(protocol.CodeInvalid, "unix URL %q has no socket path (unix:///path/to/redis.sock)", redact(u))
		}
		cfg.addrs = []string{p}
	} else {
		host, port := u.Hostname(), u.Port()
		if host == "" {
			host = "127.0.0.1"
		}
		if port == "" {
			port = "6379"
		}
		cfg.addrs = []string{net.JoinHostPort(host, port)}
		if p := strings.Trim(u.Path, "/"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return nil, protocol.Errorf(protocol.CodeInvalid, "invalid database number %q in URL", p)
			}
			cfg.db = n
		}
		for _, a := range q["addr"] {
			h, p, err := net.SplitHostPort(a)
			if err != nil {
				h, p = a, "6379"
			}
			cfg.addrs = append(cfg.addrs, net.JoinHostPort(h, p))
		}
	}
	if v := q.Get("db"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, protocol.Errorf(protocol.CodeInvalid, "invalid database number %q in URL", v)
		}
		cfg.db = n
	}
	if v := q.Get("user"); v != "" {
		cfg.user = v
	}
	if v, ok := q["password"]; ok {
		cfg.pass, cfg.hasPass = v[0], true
	}
	switch v := q.Get("protocol"); v {
	case "", "2":
	case "3":
		cfg.proto = 3
	default:
		return nil, protocol.Errorf(protocol.CodeInvalid, "invalid protocol %q in URL (2 or 3)", v)
	}
	cfg.name = q.Get("name")
	if v := q.Get("dial_timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, protocol.Errorf(protocol.CodeInvalid, "invalid dial_timeout %q in URL", v)
		}
		cfg.dial = d
	}
	if cfg.cluster && cfg.db != 0 {
		return nil, protocol.Errorf(protocol.CodeInvalid, "Redis Cluster has only database 0 (URL asks for %d)", cfg.db)
	}
	if useTLS || q.Get("tls") == "true" || q.Get("tls") == "1" {
		tc, err := tlsConfig(q, cfg.addrs[0])
		if err != nil {
			return nil, err
		}
		cfg.tls = tc
		cfg.sni = q.Get("sni") != ""
	}
	return cfg, nil
}

func tlsConfig(q url.Values, addr string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		tc.ServerName = host
	}
	if v := q.Get("sni"); v != "" {
		tc.ServerName = v
	}
	if b, _ := strconv.ParseBool(q.Get("insecure")); b {
		tc.InsecureSkipVerify = true
	}
	if ca, dir := q.Get("cacert"), q.Get("cacertdir"); ca != "" || dir != "" {
		pool := x509.NewCertPool()
		files := []string{}
		if ca != "" {
			files = append(files, ca)
		}
		if dir != "" {
			ents, err := os.ReadDir(dir)
			if err != nil {
				return nil, protocol.Errorf(protocol.CodeInvalid, "TLS CA directory: %v", err)
			}
			for _, e := range ents {
				if !e.IsDir() {
					files = append(files, filepath.Join(dir, e.Name()))
				}
			}
		}
		added := false
		for _, f := range files {
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, protocol.Errorf(protocol.CodeInvalid, "TLS CA certificate: %v", err)
			}
			if pool.AppendCertsFromPEM(pem) {
				added = true
			}
		}
		if !added {
			return nil, protocol.Errorf(protocol.CodeInvalid, "TLS CA certificate: no PEM certificate found in %s", strings.Join(files, ", "))
		}
		tc.RootCAs = pool
	}
	cert, key := q.Get("cert"), q.Get("key")
	if (cert == "") != (key == "") {
		return nil, protocol.Errorf(protocol.CodeInvalid, "TLS client authentication needs both cert and key")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, protocol.Errorf(protocol.CodeInvalid, "TLS client certificate: %v", err)
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	return tc, nil
}

// redact returns u's text with its password hidden.
func redact(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	return u.Redacted()
}

// tlsFor returns the TLS configuration for a node, naming it for
// certificate checks unless an SNI name was given.
func (c *config) tlsFor(addr string) *tls.Config {
	if c.tls == nil {
		return nil
	}
	tc := c.tls.Clone()
	if !c.sni {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			tc.ServerName = host
		}
	}
	return tc
}

func (c *config) String() string {
	return fmt.Sprintf("%s %v", c.network, c.addrs)
}
