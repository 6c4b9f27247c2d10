package webflow

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// errBadCookie is what opening a cookie that was tampered with, sealed for
// another purpose, expired or garbled gives.
var errBadCookie = errors.New("webflow: cookie is invalid or expired")

// sealer encrypts and authenticates cookie values with AES-256-GCM. The
// purpose name is bound in as additional data, so a cookie sealed for one
// purpose does not open as another.
type sealer struct{ aead cipher.AEAD }

// newSealer derives the AES key from secret (at least 32 bytes) with
// HMAC-SHA256, so the cookie key is never the app's secret itself.
func newSealer(secret []byte) (*sealer, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("webflow: the cookie secret must be at least 32 bytes, got %d", len(secret))
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("idsdk-go webflow cookie key v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// envelope carries a value and its expiry.
type envelope struct {
	V   json.RawMessage `json:"v"`
	Exp int64           `json:"e"`
}

// seal returns v sealed for purpose, valid for ttl.
func (s *sealer) seal(purpose string, v any, ttl time.Duration, now time.Time) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(envelope{V: raw, Exp: now.Add(ttl).Unix()})
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := s.aead.Seal(nonce, nonce, plain, []byte(purpose))
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// open reverses seal into v.
func (s *sealer) open(purpose, value string, v any, now time.Time) error {
	if len(value) > 4096 {
		return errBadCookie
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) < s.aead.NonceSize()+s.aead.Overhead() {
		return errBadCookie
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(purpose))
	if err != nil {
		return errBadCookie
	}
	var env envelope
	if json.Unmarshal(plain, &env) != nil || now.Unix() > env.Exp {
		return errBadCookie
	}
	if json.Unmarshal(env.V, v) != nil {
		return errBadCookie
	}
	return nil
}

// randomState returns 32 random bytes, base64url encoded.
func randomState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
