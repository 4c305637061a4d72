package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/rk-redis/rk/plugins/protocol"
)

// Plugin says how to launch a driver plugin.
type Plugin struct {
	// Name is the plugin's name ("redis", or NAME of rk-plugin-NAME).
	Name string
	// Cmd returns the command that starts the plugin; it is called once per
	// launch.
	Cmd func() *exec.Cmd
	// Logger receives rk's and the plugin's logs; nil means DefaultLogger.
	Logger hclog.Logger
	// StartTimeout bounds the launch and handshake. Default 10s.
	StartTimeout time.Duration
	// Options tune the backends opened through the plugin.
	Options Options
}

// DefaultLogger logs to stderr at the level named by $RK_LOG_LEVEL, warn by
// default, so that a plugin's errors are seen and its chatter is not.
func DefaultLogger() hclog.Logger {
	level := hclog.Warn
	if l := hclog.LevelFromString(strings.TrimSpace(os.Getenv("RK_LOG_LEVEL"))); l != hclog.NoLevel {
		level = l
	}
	return hclog.New(&hclog.LoggerOptions{Name: "rk", Level: level, Output: os.Stderr})
}

// Open launches the plugin, opens url through it, and returns the backend;
// closing the backend stops the plugin.
func Open(ctx context.Context, p Plugin, url string) (*Backend, error) {
	proc, drv, err := launch(ctx, p)
	if err != nil {
		return nil, err
	}
	b, err := open(ctx, p.Name, drv, proc, url, p.Options)
	if err != nil {
		proc.stop()
		return nil, err
	}
	return b, nil
}

// process is a running plugin.
type process struct {
	name    string
	path    string
	client  *plugin.Client
	drv     *protocol.Client
	pid     int
	version int

	stderr   *tail
	dataDir  string             // holds the data channel's socket; removed once the process is gone
	abort    context.CancelFunc // kills the process (once it has exited: releases its context)
	hung     atomic.Bool        // stopped answering health checks
	stopping atomic.Bool
	stopOnce sync.Once
}

func launch(ctx context.Context, p Plugin) (*process, *protocol.Client, error) {
	if p.StartTimeout <= 0 {
		p.StartTimeout = 10 * time.Second
	}
	logger := p.Logger
	if logger == nil {
		logger = DefaultLogger()
	}
	base := p.Cmd()
	if base.Err != nil {
		return nil, nil, fmt.Errorf("plugin %s: %w", p.Name, base.Err)
	}
	// The process is tied to a context of its own, cancelled only if the
	// launch is interrupted: exec then kills it, which also ends
	// go-plugin's wait for the handshake.
	launchCtx, abort := context.WithCancel(context.Background())
	cmd := exec.CommandContext(launchCtx, base.Path)
	cmd.Args, cmd.Env, cmd.Dir, cmd.SysProcAttr = base.Args, base.Env, base.Dir, base.SysProcAttr
	setParentDeathSignal(cmd)
	tlsConfig, tlsEnv, err := protocol.HostTLS()
	if err != nil {
		abort()
		return nil, nil, fmt.Errorf("plugin %s: making its TLS certificates: %w", p.Name, err)
	}
	dataDir, dataEnv, err := protocol.HostDataDir()
	if err != nil {
		abort()
		return nil, nil, fmt.Errorf("plugin %s: making its data channel directory: %w", p.Name, err)
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, tlsEnv...)
	cmd.Env = append(cmd.Env, dataEnv)
	proc := &process{name: p.Name, path: cmd.Path, stderr: &tail{max: 2048}, dataDir: dataDir}
	proc.client = plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  protocol.Handshake,
		VersionedPlugins: protocol.VersionedPlugins(nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		TLSConfig:        tlsConfig,
		SkipHostEnv:      true, // cmd.Env already holds it
		Managed:          true,
		Logger:           logger.Named("plugin." + p.Name),
		StartTimeout:     p.StartTimeout,
		Stderr:           proc.stderr,
		GRPCDialOptions:  protocol.DialOptions(),
		SyncStdout:       io.Discard,
		SyncStderr:       io.Discard,
	})

	type started struct {
		drv *protocol.Client
		err error
	}
	ch := make(chan started, 1)
	go func() {
		rpc, err := proc.client.Client()
		if err != nil {
			ch <- started{err: err}
			return
		}
		raw, err := rpc.Dispense(protocol.PluginName)
		if err != nil {
			ch <- started{err: err}
			return
		}
		drv, ok := raw.(*protocol.Client)
		if !ok {
			ch <- started{err: fmt.Errorf("unexpected plugin type %T", raw)}
			return
		}
		ch <- started{drv: drv}
	}()
	var st started
	select {
	case st = <-ch:
	case <-ctx.Done():
		abort()
		go func() {
			<-ch
			proc.client.Kill()
			os.RemoveAll(dataDir)
		}()
		return nil, nil, fmt.Errorf("plugin %s: launch interrupted: %w", p.Name, ctx.Err())
	}
	if st.err != nil {
		abort()
		proc.client.Kill()
		os.RemoveAll(dataDir)
		return nil, nil, launchError(p.Name, cmd.Path, p.StartTimeout, st.err, proc.stderr.String())
	}
	proc.drv = st.drv
	proc.abort = abort
	proc.version = proc.client.NegotiatedVersion()
	if rc := proc.client.ReattachConfig(); rc != nil {
		proc.pid = rc.Pid
	}
	return proc, st.drv, nil
}

// tail keeps the last bytes written to it: a plugin's stderr, shown when
// it fails.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// String returns the last few lines, without hclog's JSON wrapping.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(t.buf)), "\n")
	var out []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "{") {
			continue
		}
		out = append(out, l)
	}
	if len(out) > 5 {
		out = out[len(out)-5:]
	}
	return strings.Join(out, " | ")
}

var versionRE = regexp.MustCompile(`Plugin version: (\d+), Client versions: \[([\d ]*)\]`)

// launchError explains a failed launch in terms a user can act on.
func launchError(name, path string, timeout time.Duration, err error, stderr string) error {
	if stderr != "" {
		stderr = "; its stderr: " + stderr
	}
	msg := err.Error()
	where := name
	if path != "" {
		where = fmt.Sprintf("%s (%s)", name, path)
	}
	switch {
	case versionRE.MatchString(msg):
		m := versionRE.FindStringSubmatch(msg)
		return fmt.Errorf("plugin %s speaks rk plugin protocol %s, but this rk speaks %s: install a plugin built for this rk, or a newer rk",
			where, m[1], strings.ReplaceAll(strings.TrimSpace(m[2]), " ", ", "))
	case strings.Contains(msg, "timeout while waiting for plugin to start"):
		return fmt.Errorf("plugin %s did not start within %v (it never completed the handshake)", where, timeout)
	case strings.Contains(msg, "plugin exited before we could connect"), strings.Contains(msg, "Failed to read any lines"):
		return fmt.Errorf("plugin %s exited before completing the handshake%s", where, stderr)
	case strings.Contains(msg, "Unrecognized remote plugin message"):
		return fmt.Errorf("plugin %s is not an rk plugin, or wrote to stdout before the handshake: %s%s", where, firstLine(msg), stderr)
	case strings.Contains(msg, "incompatible core API version"):
		return fmt.Errorf("plugin %s was built with an incompatible go-plugin; rebuild it", where)
	case strings.Contains(msg, "unsupported plugin protocol"):
		return fmt.Errorf("plugin %s does not speak gRPC: %s", where, firstLine(msg))
	}
	return fmt.Errorf("plugin %s: %s%s", where, firstLine(msg), stderr)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// watchdog checks, every interval until stop is closed, that the plugin
// answers a health check; a plugin that does not is killed and cancel is
// called.
func (p *process) watchdog(o Options, stop <-chan struct{}, cancel context.CancelFunc) {
	t := time.NewTicker(o.PingInterval)
	defer t.Stop()
	for {
		ctx, cctx := context.WithTimeout(context.Background(), o.PingTimeout)
		err := p.drv.Ping(ctx)
		cctx()
		select {
		case <-stop:
			return
		default:
		}
		if err != nil && !p.client.Exited() {
			p.hung.Store(true)
			p.kill()
			cancel()
			return
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// broken reports whether the plugin has died or hung.
func (p *process) broken() bool {
	return p.hung.Load() || p.client.Exited()
}

// failure explains why calls to the plugin fail, or returns nil if the
// process looks fine. A process that has just died may take a moment to be
// seen as exited.
func (p *process) failure() error {
	if p.stopping.Load() {
		return nil
	}
	if p.hung.Load() {
		return fmt.Errorf("plugin %s (pid %d) stopped responding and was killed", p.name, p.pid)
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		if p.client.Exited() {
			msg := fmt.Sprintf("plugin %s (pid %d) exited unexpectedly", p.name, p.pid)
			if last := p.stderr.String(); last != "" {
				msg += "; its stderr: " + last
			}
			return errors.New(msg)
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill ends the process at once.
func (p *process) kill() {
	if p.pid > 0 {
		if proc, err := os.FindProcess(p.pid); err == nil {
			proc.Signal(syscall.SIGKILL)
		}
	}
}

// stop ends the plugin: gracefully if it is healthy, by force otherwise or
// if it takes too long.
func (p *process) stop() {
	p.stopOnce.Do(func() {
		p.stopping.Store(true)
		if p.broken() {
			p.kill()
		}
		done := make(chan struct{})
		go func() {
			p.client.Kill()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			p.kill()
			select {
			case <-done:
			case <-time.After(2 * time.Second):
			}
		}
		p.abort()
		os.RemoveAll(p.dataDir)
	})
}

// CleanupClients stops every plugin still running; rk calls it before it
// exits.
func CleanupClients() { plugin.CleanupClients() }
