package remote

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"

	"github.com/rk-redis/rk/backend"
)

// ExecPrefix starts the name of every third-party plugin executable.
const ExecPrefix = "rk-plugin-"

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// UserPluginDir is the user's plugin directory: rk/plugins in the user's
// configuration directory (~/.config/rk/plugins on Linux).
func UserPluginDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rk", "plugins")
}

// SearchDirs lists where plugins are looked for, in order: $RK_PLUGIN_PATH,
// the user's plugin directory, the directory of the rk executable.
func SearchDirs() []string {
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv("RK_PLUGIN_PATH")) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	if d := UserPluginDir(); d != "" {
		dirs = append(dirs, d)
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		dirs = append(dirs, filepath.Dir(exe))
	}
	return dirs
}

func execName(name string) string {
	n := ExecPrefix + name
	if runtime.GOOS == "windows" {
		n += ".exe"
	}
	return n
}

// Find returns the path of the executable rk-plugin-NAME, searching
// SearchDirs in order.
func Find(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("invalid plugin name %q (lower-case letters, digits, '-' and '_')", name)
	}
	dirs := SearchDirs()
	for _, d := range dirs {
		p := filepath.Join(d, execName(name))
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("no plugin for %s:// URLs: %s not found in %s (install it there, or set RK_PLUGIN_PATH)",
		name, execName(name), strings.Join(dirs, string(os.PathListSeparator)))
}

// Found is a plugin executable found on disk.
type Found struct {
	Name, Path string
	// Shadowed is set for an executable hidden by one of the same name
	// found earlier.
	Shadowed bool
}

// List returns the plugin executables in SearchDirs.
func List() []Found {
	var out []Found
	seen := map[string]bool{}
	for _, d := range SearchDirs() {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, n := range names {
			name, ok := strings.CutPrefix(strings.TrimSuffix(n, ".exe"), ExecPrefix)
			if !ok || !validName.MatchString(name) {
				continue
			}
			p := filepath.Join(d, n)
			if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
				continue
			}
			out = append(out, Found{Name: name, Path: p, Shadowed: seen[name]})
			seen[name] = true
		}
	}
	return out
}

// PluginName is the plugin a URL scheme asks for: NAME for NAME:// and
// NAME+anything://.
func PluginName(scheme string) string {
	name, _, _ := strings.Cut(strings.ToLower(scheme), "+")
	return name
}

// Factory returns a backend factory that opens URLs through the plugin p.
func Factory(p Plugin) backend.Factory {
	return func(ctx context.Context, u *url.URL) (backend.Backend, error) {
		return Open(ctx, p, u.String())
	}
}

// ThirdPartyFactory returns the backend factory for schemes rk does not
// know: NAME:// launches rk-plugin-NAME, found with Find. template holds
// the logger, timeouts and options.
func ThirdPartyFactory(template Plugin) backend.Factory {
	return func(ctx context.Context, u *url.URL) (backend.Backend, error) {
		name := PluginName(u.Scheme)
		path, err := Find(name)
		if err != nil {
			return nil, err
		}
		p := template
		p.Name = name
		p.Cmd = func() *exec.Cmd { return exec.Command(path) }
		return Open(ctx, p, u.String())
	}
}
