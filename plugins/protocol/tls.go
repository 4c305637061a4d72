package protocol

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"time"
)

// Automatic mutual TLS.
//
// The host and the plugin authenticate each other with one-time
// certificates, as go-plugin's AutoMTLS does: the plugin accepts only the
// host that started it, the host only the plugin it started. go-plugin
// generates P-521 keys on both sides, which costs tens of milliseconds per
// launch on a small machine, most of a one-shot rk command. rk's host
// therefore makes both certificates itself, with P-256 keys:
//
//   - PLUGIN_CLIENT_CERT (go-plugin's variable) carries the host's
//     certificate, as with AutoMTLS;
//   - RK_PLUGIN_SERVER_CERT and RK_PLUGIN_SERVER_KEY carry the certificate
//     and key the plugin serves with. Serve reads them and removes them from
//     its environment. The environment of a process is readable only by its
//     user, who could read the plugin's memory anyway.
//
// A plugin that does not use Serve (one written in another language) may
// ignore the RK_ variables: go-plugin's own AutoMTLS still works, since the
// host trusts the certificate such a plugin announces in its handshake.

const (
	envClientCert = "PLUGIN_CLIENT_CERT"
	envServerCert = "RK_PLUGIN_SERVER_CERT"
	envServerKey  = "RK_PLUGIN_SERVER_KEY"
)

// HostTLS makes the one-time certificates for one plugin launch. It returns
// the host's TLS configuration and the variables to add to the plugin's
// environment.
func HostTLS() (*tls.Config, []string, error) {
	client, clientPEM, _, err := oneTimeCert()
	if err != nil {
		return nil, nil, err
	}
	server, serverPEM, serverKeyPEM, err := oneTimeCert()
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(server.Leaf)
	cfg := &tls.Config{
		Certificates: []tls.Certificate{client},
		RootCAs:      pool,
		ServerName:   "localhost",
		MinVersion:   tls.VersionTLS13,
	}
	env := []string{
		envClientCert + "=" + string(clientPEM),
		envServerCert + "=" + string(serverPEM),
		envServerKey + "=" + string(serverKeyPEM),
	}
	return cfg, env, nil
}

// pluginTLS returns the plugin's TLS configuration from the certificates
// the host passed, or nil when it passed none (go-plugin then does its own
// AutoMTLS if the host asked for it).
func pluginTLS() (*tls.Config, error) {
	certPEM, keyPEM, clientPEM := os.Getenv(envServerCert), os.Getenv(envServerKey), os.Getenv(envClientCert)
	os.Unsetenv(envServerKey)
	os.Unsetenv(envServerCert)
	if certPEM == "" || keyPEM == "" || clientPEM == "" {
		return nil, nil
	}
	cert, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(clientPEM)) {
		return nil, errors.New("rk plugin: the host's certificate does not parse")
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pool,
		MinVersion:   tls.VersionTLS13,
	}, nil
}

// oneTimeCert makes a self-signed P-256 certificate for localhost, valid
// for a day, usable by either side.
func oneTimeCert() (tls.Certificate, []byte, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	sn, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"rk plugin"}},
		DNSNames:              []string{"localhost"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, certPEM, keyPEM, nil
}
