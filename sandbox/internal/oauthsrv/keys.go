// This file holds the signing keys: RSA keys made when first needed,
// published as a JWKS, rotated on demand.

package oauthsrv

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"

	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/sandbox/internal/random"
)

// keyRing is the current signing key and the older ones still published.
// The first key is made when first needed (an RSA key takes tens of
// milliseconds, more than the whole start-up budget of a sandbox).
type keyRing struct {
	once sync.Once
	mu   sync.Mutex
	keys []jose.JSONWebKey // private keys, newest last
	err  error
}

func newKeyRing() *keyRing { return &keyRing{} }

// init makes the first key once.
func (k *keyRing) init() {
	k.once.Do(func() {
		key, err := newKey()
		k.mu.Lock()
		defer k.mu.Unlock()
		if err != nil {
			k.err = err
			return
		}
		k.keys = append(k.keys, key)
	})
}

// newKey makes an RSA signing key with a random key id.
func newKey() (jose.JSONWebKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return jose.JSONWebKey{}, fmt.Errorf("oauthsrv: make signing key: %w", err)
	}
	return jose.JSONWebKey{Key: priv, KeyID: random.Base64URL(12), Algorithm: string(jose.RS256), Use: "sig"}, nil
}

// current returns the signing key.
func (k *keyRing) current() (jose.JSONWebKey, error) {
	k.init()
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return jose.JSONWebKey{}, k.err
	}
	return k.keys[len(k.keys)-1], nil
}

// public returns the published keys, newest first.
func (k *keyRing) public() ([]jose.JSONWebKey, error) {
	k.init()
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return nil, k.err
	}
	out := make([]jose.JSONWebKey, 0, len(k.keys))
	for i := len(k.keys) - 1; i >= 0; i-- {
		out = append(out, k.keys[i].Public())
	}
	return out, nil
}

// rotate makes a new current key, dropping the older ones if asked.
func (k *keyRing) rotate(dropOld bool) error {
	k.init()
	key, err := newKey()
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.err = nil
	if dropOld {
		k.keys = nil
	}
	k.keys = append(k.keys, key)
	return nil
}

// sign signs claims as a compact JWT with the current key.
func (k *keyRing) sign(claims map[string]any) (string, error) {
	key, err := k.current()
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), key.KeyID)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key.Key}, opts)
	if err != nil {
		return "", fmt.Errorf("oauthsrv: signer: %w", err)
	}
	payload, err := jsonMarshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("oauthsrv: sign: %w", err)
	}
	return jws.CompactSerialize()
}
