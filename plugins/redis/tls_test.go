package redis

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/protocol"
)

// testPKI writes a CA, a server certificate for 127.0.0.1 and a client
// certificate, all signed by the CA, into dir.
func testPKI(t *testing.T, dir string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "rk test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	write := func(name string, typ string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.crt", "CERTIFICATE", caDER)
	for i, name := range []string{"server", "client"} {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i + 2)), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, _ := x509.MarshalPKCS8PrivateKey(key)
		write(name+".crt", "CERTIFICATE", der)
		write(name+".key", "PRIVATE KEY", kder)
	}
}

// requireTLSServer skips (or fails, in CI) when redis-server was built
// without TLS: such a server exits at once when given a TLS port.
func requireTLSServer(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command(rktest.RedisServerPath(t), "--port", "0", "--tls-port", strconv.Itoa(rktest.FreePort(t)),
		"--tls-cert-file", filepath.Join(dir, "server.crt"), "--tls-key-file", filepath.Join(dir, "server.key"),
		"--tls-ca-cert-file", filepath.Join(dir, "ca.crt"), "--save", "", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	select {
	case <-exited:
		rktest.RequireSkipAllowed(t, "redis-server was built without TLS support")
	case <-time.After(500 * time.Millisecond):
		cmd.Process.Kill()
		<-exited
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	testPKI(t, dir)
	requireTLSServer(t, dir)
	port := rktest.FreePort(t)
	// The plain port serves rktest's readiness check; clients use TLS.
	rktest.StartRedis(t, "--tls-port", strconv.Itoa(port),
		"--tls-cert-file", filepath.Join(dir, "server.crt"), "--tls-key-file", filepath.Join(dir, "server.key"),
		"--tls-ca-cert-file", filepath.Join(dir, "ca.crt"), "--tls-auth-clients", "yes")
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	q := url.Values{}
	q.Set("cacert", filepath.Join(dir, "ca.crt"))
	q.Set("cert", filepath.Join(dir, "client.crt"))
	q.Set("key", filepath.Join(dir, "client.key"))
	s := newSession(t, openURL(t, "rediss://"+addr+"?"+q.Encode()))
	if info := s.one("CLIENT", "INFO"); !strings.Contains(info.Str, "id=") {
		t.Errorf("CLIENT INFO over TLS: %v", info)
	}

	// Without a client certificate the server refuses; with an unknown CA
	// rk refuses the server, unless told --insecure.
	noCert := url.Values{"cacert": {filepath.Join(dir, "ca.crt")}}
	b := openURL(t, "rediss://"+addr+"?"+noCert.Encode())
	// With TLS 1.3 the server judges the client's certificate after the
	// handshake: the refusal shows on the first command.
	if ns, err := b.OpenSession(t.Context(), protocol.ClientInfo{}, newEvents()); err == nil {
		if _, err := ns.Do(t.Context(), [][][]byte{argv("PING")}); err == nil {
			t.Error("a TLS session without a client certificate ran a command")
		}
		ns.Close()
	}
	b = openURL(t, "rediss://"+addr+"?cert="+url.QueryEscape(filepath.Join(dir, "client.crt"))+"&key="+url.QueryEscape(filepath.Join(dir, "client.key")))
	_, err := b.OpenSession(t.Context(), protocol.ClientInfo{}, newEvents())
	if err == nil || !strings.Contains(err.Error(), "Could not negotiate a TLS connection") {
		t.Errorf("unknown CA: %v", err)
	}
	q.Del("cacert")
	q.Set("insecure", "true")
	s = newSession(t, openURL(t, "rediss://"+addr+"?"+q.Encode()))
	if v := s.one("PING"); v.Str != "PONG" {
		t.Errorf("insecure: %v", v)
	}
}
