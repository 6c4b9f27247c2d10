package idtoken

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// DefaultMinRefresh is the least time between two fetches of a JWKS caused
// by unknown key ids, so a stream of tokens with made-up "kid" values
// cannot make the validator fetch for each token.
const DefaultMinRefresh = 30 * time.Second

// maxJWKSBytes bounds the JWKS document read.
const maxJWKSBytes = 1 << 20

// KeySet is a JSON Web Key Set fetched over HTTP: lazily (at the first
// token), then cached. A token whose "kid" is not in the cache makes it
// fetch the set once more (at most once per MinRefresh), which picks up a
// rotated key; a signature that fails with a known key never causes a
// fetch. Concurrent callers share one fetch. It implements go-oidc's
// oidc.KeySet, so it can also back an oidc.IDTokenVerifier.
type KeySet struct {
	url string
	hc  *http.Client
	// MinRefresh is the least time between fetches after the first;
	// zero means DefaultMinRefresh. Set it before first use.
	MinRefresh time.Duration
	// Now is the clock; nil means time.Now. Set it before first use.
	Now func() time.Time

	mu       sync.Mutex
	keys     []jose.JSONWebKey
	fetched  time.Time // zero until the first successful fetch
	inflight chan struct{}
	lastErr  error
	failedAt time.Time // when lastErr happened
	fetches  int
}

// failureBackoff is how long a failed fetch answers for the key set before
// the next token may try again, so an outage does not cost a request per
// token.
const failureBackoff = time.Second

var _ oidc.KeySet = (*KeySet)(nil)

// NewKeySet returns a KeySet for the JWKS at url, fetched with hc (nil
// means http.DefaultClient). It makes no request until a token needs a key.
func NewKeySet(url string, hc *http.Client) *KeySet {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &KeySet{url: url, hc: hc}
}

// Fetches reports how many times the JWKS was requested.
func (k *KeySet) Fetches() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fetches
}

func (k *KeySet) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

// VerifySignature implements oidc.KeySet: it verifies the compact JWS jwt
// with the key its "kid" names and returns the payload. Its errors are
// *ValidationError values (ErrTooLarge, ErrMalformed, ErrUnknownKey,
// ErrSignature, ErrKeySet).
func (k *KeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	if err := checkSize(jwt); err != nil {
		return nil, err // before any fetch
	}
	jws, err := jose.ParseSignedCompact(jwt, allowedAlgs)
	if err != nil {
		return nil, &ValidationError{Err: ErrMalformed, Cause: err}
	}
	if len(jws.Signatures) != 1 {
		return nil, &ValidationError{Err: ErrMalformed, Reason: "want exactly one signature"}
	}
	hdr := jws.Signatures[0].Header
	key, err := k.key(ctx, hdr.KeyID, hdr.Algorithm)
	if err != nil {
		return nil, err
	}
	payload, err := jws.Verify(key)
	if err != nil {
		return nil, &ValidationError{Err: ErrSignature, Reason: "key " + strconv.Quote(redact.Clip(hdr.KeyID, 64))}
	}
	return payload, nil
}

// key finds the key for kid (any signing key of a matching algorithm when
// kid is empty and the set has exactly one), fetching the set first when
// it was never fetched, and again when kid is unknown and the last fetch
// is older than MinRefresh.
func (k *KeySet) key(ctx context.Context, kid, alg string) (*jose.JSONWebKey, error) {
	k.mu.Lock()
	first := k.fetched.IsZero()
	k.mu.Unlock()
	if first {
		if err := k.refresh(ctx, true); err != nil {
			return nil, err
		}
	}
	if key := k.lookup(kid, alg); key != nil {
		return key, nil
	}
	if !first {
		if err := k.refresh(ctx, false); err != nil {
			return nil, err
		}
		if key := k.lookup(kid, alg); key != nil {
			return key, nil
		}
	}
	return nil, &ValidationError{Err: ErrUnknownKey, Reason: "kid " + strconv.Quote(redact.Clip(kid, 64))}
}

func (k *KeySet) lookup(kid, alg string) *jose.JSONWebKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	var only *jose.JSONWebKey
	n := 0
	for i := range k.keys {
		key := &k.keys[i]
		if key.Use != "" && key.Use != "sig" {
			continue
		}
		if key.Algorithm != "" && key.Algorithm != alg {
			continue
		}
		if kid != "" && key.KeyID == kid {
			return key
		}
		only = key
		n++
	}
	if kid == "" && n == 1 {
		return only
	}
	return nil
}

// refresh fetches the set, sharing a fetch already under way. Unless
// force is set, it does nothing when the last successful fetch is younger
// than MinRefresh.
func (k *KeySet) refresh(ctx context.Context, force bool) error {
	k.mu.Lock()
	min := k.MinRefresh
	if min <= 0 {
		min = DefaultMinRefresh
	}
	if !force && !k.fetched.IsZero() && k.now().Sub(k.fetched) < min {
		k.mu.Unlock()
		return nil
	}
	if force && !k.fetched.IsZero() {
		k.mu.Unlock()
		return nil // another caller did the first fetch meanwhile
	}
	if k.inflight == nil && k.lastErr != nil && k.now().Sub(k.failedAt) < failureBackoff {
		err := k.lastErr
		k.mu.Unlock()
		return &ValidationError{Err: ErrKeySet, Cause: err}
	}
	ch := k.inflight
	if ch == nil {
		ch = make(chan struct{})
		k.inflight = ch
		k.fetches++
		go k.fetch(ch)
	}
	k.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
		return &ValidationError{Err: ErrKeySet, Cause: ctx.Err()}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.lastErr != nil {
		return &ValidationError{Err: ErrKeySet, Cause: k.lastErr}
	}
	return nil
}

// fetch runs one request, detached from any caller's context but bounded
// in time, and publishes the result.
func (k *KeySet) fetch(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys, err := k.get(ctx)
	k.mu.Lock()
	if err == nil {
		k.keys = keys
		k.fetched = k.now()
	} else {
		k.failedAt = k.now()
	}
	k.lastErr = err
	k.inflight = nil
	k.mu.Unlock()
	close(done)
}

func (k *KeySet) get(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := k.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks fetch: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes))
	if err != nil {
		return nil, fmt.Errorf("jwks read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks fetch: status %d", resp.StatusCode)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("jwks decode: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range doc.Keys {
		var key jose.JSONWebKey
		if err := key.UnmarshalJSON(raw); err != nil {
			continue // a key type we cannot use is skipped, not fatal
		}
		if !key.Valid() || !key.IsPublic() {
			continue
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, errors.New("jwks has no usable public keys")
	}
	return keys, nil
}

// clip keeps header values short in messages.
