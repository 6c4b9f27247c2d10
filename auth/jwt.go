package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// ClientAssertionType is the client_assertion_type of private_key_jwt
// (RFC 7523 section 2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// DefaultAssertionLifetime is how long a client assertion is valid when
// PrivateKey.Lifetime is zero.
const DefaultAssertionLifetime = 60 * time.Second

// PrivateKey is a client's signing key for private_key_jwt client
// authentication. Formatting, logging or JSON-encoding it (a value or a
// pointer, nested or not) shows only the key id and the algorithm.
type PrivateKey struct {
	// Key is an *rsa.PrivateKey or an *ecdsa.PrivateKey.
	Key crypto.Signer
	// KeyID is put in the "kid" header when set; the server uses it to pick
	// the public key from the client's JWKS.
	KeyID string
	// Algorithm is one of RS256, RS384, RS512, PS256, PS384, PS512, ES256,
	// ES384, ES512. Empty means RS256 for RSA keys and the ES algorithm that
	// matches the curve of EC keys.
	Algorithm string
	// Lifetime is how long each assertion is valid; 0 means
	// DefaultAssertionLifetime.
	Lifetime time.Duration
}

// String names the key without its material.
func (k PrivateKey) String() string {
	alg, _ := k.alg()
	return fmt.Sprintf("auth.PrivateKey{KeyID: %q, Algorithm: %q, Key: %s}", k.KeyID, string(alg), redacted)
}

// GoString is String, so %#v does not print the key either.
func (k PrivateKey) GoString() string { return k.String() }

// Format prints String for every verb.
func (k PrivateKey) Format(f fmt.State, verb rune) { redact.Format(f, verb, k.String()) }

// LogValue keeps the key out of slog output.
func (k *PrivateKey) LogValue() slog.Value { return redact.PointerLogValue(k) }

// MarshalJSON writes String, so the key stays out of encoding/json and of
// slog's JSON handler, also when the PrivateKey is nested.
func (k PrivateKey) MarshalJSON() ([]byte, error) { return redact.JSON(k.String()) }

var errNoKey = errors.New("auth: private_key_jwt needs a PrivateKey with a Key")

// Validate reports whether k can sign client assertions: a Key of a
// supported type and an Algorithm that fits it. Sources check it on every
// token request; call it to fail early, when a credential is built.
func (k PrivateKey) Validate() error {
	_, err := k.alg()
	return err
}

func (k PrivateKey) alg() (jose.SignatureAlgorithm, error) {
	if k.Key == nil {
		return "", errNoKey
	}
	switch key := k.Key.(type) {
	case *rsa.PrivateKey:
		switch a := jose.SignatureAlgorithm(k.Algorithm); a {
		case "":
			return jose.RS256, nil
		case jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512:
			return a, nil
		}
	case *ecdsa.PrivateKey:
		want := map[elliptic.Curve]jose.SignatureAlgorithm{
			elliptic.P256(): jose.ES256, elliptic.P384(): jose.ES384, elliptic.P521(): jose.ES512,
		}[key.Curve]
		if want == "" {
			return "", fmt.Errorf("auth: unsupported EC curve for private_key_jwt")
		}
		if k.Algorithm == "" || jose.SignatureAlgorithm(k.Algorithm) == want {
			return want, nil
		}
		return "", fmt.Errorf("auth: algorithm %q does not match the key's curve (want %s)", k.Algorithm, want)
	default:
		return "", fmt.Errorf("auth: unsupported private key type %T for private_key_jwt", k.Key)
	}
	return "", fmt.Errorf("auth: algorithm %q does not fit an RSA key", k.Algorithm)
}

// assertion signs a fresh client assertion: iss = sub = clientID, aud =
// audience, a random jti, iat = now, exp = now + lifetime.
func (k *PrivateKey) assertion(clientID, audience string, now time.Time) (string, error) {
	if k == nil {
		return "", errNoKey
	}
	alg, err := k.alg()
	if err != nil {
		return "", err
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if k.KeyID != "" {
		opts = opts.WithHeader(jose.HeaderKey("kid"), k.KeyID)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: k.Key}, opts)
	if err != nil {
		return "", fmt.Errorf("auth: client assertion signer: %w", err)
	}
	var id [18]byte
	if _, err := rand.Read(id[:]); err != nil {
		return "", fmt.Errorf("auth: client assertion id: %w", err)
	}
	life := k.Lifetime
	if life <= 0 {
		life = DefaultAssertionLifetime
	}
	claims := jwt.Claims{
		Issuer:   clientID,
		Subject:  clientID,
		Audience: jwt.Audience{audience},
		ID:       base64.RawURLEncoding.EncodeToString(id[:]),
		IssuedAt: jwt.NewNumericDate(now),
		Expiry:   jwt.NewNumericDate(now.Add(life)),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("auth: signing client assertion: %w", err)
	}
	return s, nil
}
