package backend

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Factory opens a Backend for a URL of its scheme.
type Factory func(ctx context.Context, u *url.URL) (Backend, error)

// Registry maps URL schemes to backend factories, like database/sql's
// drivers but explicit: cmd/rk builds one and registers what it links in.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
	fallback  Factory
}

// Register adds a factory for scheme. Registering a scheme twice panics.
func (r *Registry) Register(scheme string, f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.factories == nil {
		r.factories = make(map[string]Factory)
	}
	scheme = strings.ToLower(scheme)
	if _, dup := r.factories[scheme]; dup {
		panic("backend: duplicate registration of scheme " + scheme)
	}
	r.factories[scheme] = f
}

// SetFallback sets the factory used for schemes nobody registered (the
// remote backend's third-party plugin lookup).
func (r *Registry) SetFallback(f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fallback = f
}

// Schemes lists the registered schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var s []string
	for k := range r.factories {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// Open parses rawURL and opens the backend its scheme names.
func (r *Registry) Open(ctx context.Context, rawURL string) (Backend, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("backend URL %q: %w", rawURL, err)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("backend URL %q has no scheme (try memory:// or redis://host:port)", rawURL)
	}
	r.mu.RLock()
	f, ok := r.factories[strings.ToLower(u.Scheme)]
	fb := r.fallback
	r.mu.RUnlock()
	if !ok {
		if fb == nil {
			return nil, fmt.Errorf("backend URL %q: unknown scheme %q (known: %s)", rawURL, u.Scheme, strings.Join(r.Schemes(), ", "))
		}
		f = fb
	}
	return f(ctx, u)
}

// RedactURL returns a backend URL for messages and logs: its password,
// given as userinfo or as the password= option, hidden. A URL that does
// not parse loses everything that may be userinfo.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.Index(raw, "://"); i >= 0 {
			if j := strings.LastIndex(raw[i+3:], "@"); j >= 0 {
				return raw[:i+3] + "xxxxx" + raw[i+3+j:]
			}
		}
		return raw
	}
	q := u.Query()
	if u.User == nil && !q.Has("password") {
		return raw // nothing to hide: keep the text as the user wrote it
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		} else {
			u.User = url.User("xxxxx")
		}
	}
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
