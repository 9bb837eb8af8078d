package caclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCA is a Fabric CA stand-in over TLS: it enrolls registered
// identities once per enrollment allowed, and answers token-authenticated
// calls only when the token's signature verifies as Fabric CA verifies it
// (ECDSA over SHA-256 of method.b64(uri).b64(body).b64(cert), low S, a
// certificate it issued).
type fakeCA struct {
	t      *testing.T
	key    *ecdsa.PrivateKey
	root   *x509.Certificate
	mu     sync.Mutex
	users  map[string]*fakeUser
	serial int64
	// lastURI is the request URI of the last token-authenticated call.
	lastURI string
}

type fakeUser struct {
	secret   string
	max      int
	enrolled int
	typ      string
	attrs    []Attribute
}

func newFakeCA(t *testing.T) (*fakeCA, *Client) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fake-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(der)
	f := &fakeCA{t: t, key: key, root: root, serial: 1,
		users: map[string]*fakeUser{"registrar": {secret: "boot", max: -1, typ: "client"}}}
	srv := httptest.NewTLSServer(f.handler())
	t.Cleanup(srv.Close)
	tlsRoot := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	c, err := New(srv.URL, tlsRoot, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return f, c
}

func (f *fakeCA) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/enroll", f.enroll)
	mux.HandleFunc("POST /api/v1/reenroll", f.withToken(f.reenroll))
	mux.HandleFunc("POST /api/v1/register", f.withToken(f.register))
	mux.HandleFunc("GET /api/v1/identities", f.withToken(f.identities))
	mux.HandleFunc("POST /api/v1/revoke", f.withToken(f.revoke))
	return mux
}

func reply(w http.ResponseWriter, status int, result any, code int, msg string) {
	w.WriteHeader(status)
	env := map[string]any{"result": result, "errors": []Message{}, "messages": []any{}, "success": code == 0}
	if code != 0 {
		env["errors"] = []Message{{Code: code, Message: msg}}
	}
	_ = json.NewEncoder(w).Encode(env)
}

func (f *fakeCA) enroll(w http.ResponseWriter, r *http.Request) {
	name, secret, _ := r.BasicAuth()
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[name]
	if u == nil || u.secret != secret || (u.max != -1 && u.enrolled >= u.max) {
		reply(w, 401, "", 20, "Authentication failure")
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.sign(w, name, body)
	u.enrolled++
}

func (f *fakeCA) reenroll(w http.ResponseWriter, _ *http.Request, caller string, body []byte) {
	f.sign(w, caller, body)
}

// sign answers an enrollment request of name with a certificate.
func (f *fakeCA) sign(w http.ResponseWriter, name string, body []byte) {
	var req enrollRequest
	_ = json.Unmarshal(body, &req)
	block, _ := pem.Decode([]byte(req.Request))
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil || csr.CheckSignature() != nil || csr.Subject.CommonName != name {
		reply(w, 403, "", 77, "The CSR subject common name must equal the enrollment ID")
		return
	}
	f.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(f.serial), Subject: csr.Subject, DNSNames: csr.DNSNames,
		IPAddresses: csr.IPAddresses, NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.root, csr.PublicKey, f.key)
	if err != nil {
		f.t.Error(err)
	}
	b64 := base64.StdEncoding.EncodeToString
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	rootPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.root.Raw})
	reply(w, 201, map[string]any{"Cert": b64(certPEM), "ServerInfo": map[string]string{"CAChain": b64(rootPEM)}}, 0, "")
}

// withToken verifies the token as Fabric CA does and passes the caller's name on.
func (f *fakeCA) withToken(next func(w http.ResponseWriter, r *http.Request, caller string, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		caller, err := f.verifyToken(r.Header.Get("Authorization"), r.Method, r.URL.RequestURI(), body)
		if err != nil {
			reply(w, 401, "", 20, err.Error())
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.lastURI = r.URL.RequestURI()
		next(w, r, caller, body)
	}
}

func (f *fakeCA) verifyToken(token, method, uri string, body []byte) (string, error) {
	b64cert, b64sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", errors.New("token: want cert.signature")
	}
	certPEM, err1 := base64.StdEncoding.DecodeString(b64cert)
	sig, err2 := base64.StdEncoding.DecodeString(b64sig)
	if err1 != nil || err2 != nil {
		return "", errors.New("token: not base64")
	}
	cert, err := ParseCertificate(certPEM)
	if err != nil || cert.CheckSignatureFrom(f.root) != nil {
		return "", errors.New("token: certificate not issued by this CA")
	}
	b64 := base64.StdEncoding.EncodeToString
	digest := sha256.Sum256([]byte(method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64cert))
	pub := cert.PublicKey.(*ecdsa.PublicKey)
	var rs ecdsaSig
	if _, err := asn1.Unmarshal(sig, &rs); err != nil || rs.S.Cmp(new(big.Int).Rsh(pub.Curve.Params().N, 1)) > 0 {
		return "", errors.New("token: signature malformed or S not low")
	}
	if !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return "", errors.New("token: signature does not verify")
	}
	return cert.Subject.CommonName, nil
}

func (f *fakeCA) register(w http.ResponseWriter, _ *http.Request, _ string, body []byte) {
	var req Registration
	_ = json.Unmarshal(body, &req)
	if f.users[req.Name] != nil {
		reply(w, 409, "", 74, fmt.Sprintf("Identity '%s' is already registered", req.Name))
		return
	}
	if req.Secret == "" {
		req.Secret = "made-by-ca"
	}
	limit := req.MaxEnrollments
	if limit == 0 {
		limit = -1
	}
	f.users[req.Name] = &fakeUser{secret: req.Secret, max: limit, typ: req.Type, attrs: req.Attrs}
	reply(w, 201, map[string]string{"secret": req.Secret}, 0, "")
}

func (f *fakeCA) identities(w http.ResponseWriter, _ *http.Request, _ string, _ []byte) {
	var out []IdentityInfo
	for name, u := range f.users {
		out = append(out, IdentityInfo{ID: name, Type: u.typ, Attrs: u.attrs, MaxEnrollments: u.max})
	}
	reply(w, 200, map[string]any{"identities": out}, 0, "")
}

func (f *fakeCA) revoke(w http.ResponseWriter, _ *http.Request, _ string, body []byte) {
	var req Revocation
	_ = json.Unmarshal(body, &req)
	if f.users[req.Name] == nil {
		reply(w, 404, "", 10, "Identity not found")
		return
	}
	f.users[req.Name].max = 0
	reply(w, 200, map[string]any{"RevokedCerts": []RevokedCert{{Serial: "01", AKI: "aa"}}}, 0, "")
}

func encodeCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
