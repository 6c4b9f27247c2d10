// Package idtoken validates OpenID Connect ID tokens the way Auth0
// documents it: the signature (RS256 through the tenant's JWKS, or HS256
// with the client secret; only the configured algorithm, never "none"),
// then iss, sub, aud, exp, iat, nbf, nonce, azp, auth_time against
// max_age, and org_id or org_name. A token longer than MaxTokenBytes is
// refused before it is parsed and before any key is fetched for it.
//
// Every failure is a distinct error: match it with errors.Is against the
// package's sentinels (ErrAudience, ErrExpired, ErrSignature, ...), or
// reach the *ValidationError (claim checks, and the form, algorithm, key
// and signature of the token) with errors.As.
//
// Signatures are checked by coreos/go-oidc's IDTokenVerifier over a
// KeySet of this package (go-jose keys); the claim checks are this
// package's own, so each gets its own error.
package idtoken

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// The signing algorithms a Validator can be configured with.
const (
	// RS256 is RSA PKCS#1 v1.5 with SHA-256, verified with the JWKS.
	RS256 = "RS256"
	// HS256 is HMAC SHA-256 keyed with the client secret.
	HS256 = "HS256"
)

// DefaultLeeway is the clock skew allowed on exp, iat, nbf and auth_time
// when Config.Leeway is zero.
const DefaultLeeway = 60 * time.Second

// MaxTokenBytes is the largest compact ID token accepted: 64 KiB. Real ID
// tokens are a few KiB even with many custom claims; a longer one is
// refused with ErrTooLarge before it is decoded and before the JWKS is
// fetched for it, so an attacker cannot make the validator parse
// megabytes or call the key server.
const MaxTokenBytes = 64 << 10

var allowedAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.HS256}

// Config configures a Validator.
type Config struct {
	// Issuer is the exact "iss" expected. For Auth0 it is
	// "https://<domain>/", with the trailing slash.
	Issuer string
	// ClientID is the application's client id: it must be in "aud".
	ClientID string
	// Algorithm is RS256 (the default) or HS256.
	Algorithm string
	// ClientSecret is the HS256 key (at least 32 bytes).
	ClientSecret auth.Secret
	// JWKSURL serves the keys for RS256; empty means Issuer +
	// ".well-known/jwks.json" (Auth0's location).
	JWKSURL string
	// KeySet replaces the JWKS built from JWKSURL (to share one between
	// validators).
	KeySet *KeySet
	// HTTPClient fetches the JWKS; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Leeway is the clock skew allowed; 0 means DefaultLeeway, a negative
	// value none.
	Leeway time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Expect holds what one token must carry besides the static Config: the
// values of the authorization request that produced it.
type Expect struct {
	// Nonce is the nonce sent with the authorization request; when set,
	// "nonce" must equal it.
	Nonce string
	// MaxAge is the max_age sent with the request; when positive,
	// "auth_time" must be present and no older than MaxAge.
	MaxAge time.Duration
	// Organization is the organization sent with the request: an id
	// ("org_...") is compared with "org_id" exactly, a name with
	// "org_name" case-insensitively.
	Organization string
}

// Claims are the validated claims of an ID token.
type Claims struct {
	// Issuer is "iss".
	Issuer string
	// Subject is "sub", the user id.
	Subject string
	// Audience is "aud".
	Audience []string
	// AuthorizedParty is "azp", when present.
	AuthorizedParty string
	// Expiry is "exp".
	Expiry time.Time
	// IssuedAt is "iat".
	IssuedAt time.Time
	// NotBefore is "nbf", when present.
	NotBefore time.Time
	// AuthTime is "auth_time", when present.
	AuthTime time.Time
	// Nonce is "nonce", when present.
	Nonce string
	// OrgID is "org_id", when present.
	OrgID string
	// OrgName is "org_name", when present.
	OrgName string

	raw []byte
}

// Decode unmarshals all the token's claims into v (profile claims such as
// email or name, custom namespaced claims).
func (c *Claims) Decode(v any) error {
	if err := json.Unmarshal(c.raw, v); err != nil {
		return fmt.Errorf("idtoken: decoding claims: %w", err)
	}
	return nil
}

// Validator validates the ID tokens of one client. It is safe for
// concurrent use; create one per client and share it, so the JWKS is
// fetched once.
type Validator struct {
	cfg      Config
	leeway   time.Duration
	keys     oidc.KeySet
	jwks     *KeySet
	verifier *oidc.IDTokenVerifier
}

// New checks cfg and returns a Validator. It makes no request.
func New(cfg Config) (*Validator, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("idtoken: Config.Issuer is required")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("idtoken: Config.ClientID is required")
	}
	if cfg.Algorithm == "" {
		cfg.Algorithm = RS256
	}
	v := &Validator{cfg: cfg, leeway: cfg.Leeway}
	if v.leeway == 0 {
		v.leeway = DefaultLeeway
	} else if v.leeway < 0 {
		v.leeway = 0
	}
	switch cfg.Algorithm {
	case RS256:
		v.jwks = cfg.KeySet
		if v.jwks == nil {
			u := cfg.JWKSURL
			if u == "" {
				u = strings.TrimSuffix(cfg.Issuer, "/") + "/.well-known/jwks.json"
			}
			v.jwks = NewKeySet(u, cfg.HTTPClient)
			v.jwks.Now = cfg.Now
		}
		v.keys = v.jwks
	case HS256:
		if len(cfg.ClientSecret.Reveal()) < 32 {
			return nil, errors.New("idtoken: HS256 needs a client secret of at least 32 bytes")
		}
		v.keys = hmacKeySet{secret: []byte(cfg.ClientSecret.Reveal())}
	default:
		return nil, fmt.Errorf("idtoken: unsupported algorithm %q (want RS256 or HS256)", cfg.Algorithm)
	}
	v.verifier = oidc.NewVerifier(cfg.Issuer, capturingKeySet{v.keys}, &oidc.Config{
		SupportedSigningAlgs: []string{cfg.Algorithm},
		// The claims are checked below, each with its own error.
		SkipClientIDCheck: true,
		SkipExpiryCheck:   true,
		SkipIssuerCheck:   true,
	})
	return v, nil
}

// String describes the validator without the client secret.
func (v Validator) String() string {
	return fmt.Sprintf("idtoken.Validator{Issuer: %q, ClientID: %q, Algorithm: %q, ClientSecret: %s}",
		v.cfg.Issuer, v.cfg.ClientID, v.cfg.Algorithm, v.cfg.ClientSecret)
}

// GoString is String.
func (v Validator) GoString() string { return v.String() }

// Format prints String for every verb.
func (v Validator) Format(f fmt.State, verb rune) { redact.Format(f, verb, v.String()) }

// LogValue keeps the client secret out of slog output.
func (v *Validator) LogValue() slog.Value { return redact.PointerLogValue(v) }

// MarshalJSON writes String.
func (v Validator) MarshalJSON() ([]byte, error) { return redact.JSON(v.String()) }

// KeySet returns the JWKS of an RS256 validator, nil for HS256.
func (v *Validator) KeySet() *KeySet { return v.jwks }

func (v *Validator) now() time.Time {
	if v.cfg.Now != nil {
		return v.cfg.Now()
	}
	return time.Now()
}

// Validate checks the signature and claims of the compact ID token raw
// and returns its claims. The error matches one sentinel of this package.
func (v *Validator) Validate(ctx context.Context, raw string, want Expect) (*Claims, error) {
	if err := checkSize(raw); err != nil {
		return nil, err
	}
	alg, err := headerAlg(raw)
	if err != nil {
		return nil, err
	}
	if alg != v.cfg.Algorithm {
		return nil, &ValidationError{Err: ErrAlgorithm, Reason: fmt.Sprintf("got %q, want %s", redact.Clip(alg, 64), v.cfg.Algorithm)}
	}
	var sigErr error
	tok, err := v.verifier.Verify(context.WithValue(ctx, sigErrKey{}, &sigErr), raw)
	if err != nil {
		if sigErr != nil {
			return nil, sigErr
		}
		return nil, &ValidationError{Err: ErrMalformed, Cause: err}
	}
	var extra struct {
		Azp       string          `json:"azp"`
		AuthTime  json.RawMessage `json:"auth_time"`
		IssuedAt  json.RawMessage `json:"iat"`
		Expiry    json.RawMessage `json:"exp"`
		NotBefore json.RawMessage `json:"nbf"`
		OrgID     string          `json:"org_id"`
		OrgName   string          `json:"org_name"`
	}
	if err := tok.Claims(&extra); err != nil {
		return nil, &ValidationError{Err: ErrMalformed, Cause: err}
	}
	c := &Claims{
		Issuer: tok.Issuer, Subject: tok.Subject, Audience: tok.Audience, AuthorizedParty: extra.Azp,
		Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, Nonce: tok.Nonce, OrgID: extra.OrgID, OrgName: extra.OrgName,
	}
	if err := tok.Claims((*json.RawMessage)(&c.raw)); err != nil {
		return nil, &ValidationError{Err: ErrMalformed, Cause: err}
	}
	if len(extra.AuthTime) > 0 && string(extra.AuthTime) != "null" {
		t, ok := numericDate(extra.AuthTime)
		if !ok {
			return nil, invalid("auth_time", ErrAuthTime, "not a number")
		}
		c.AuthTime = t
	}
	if len(extra.NotBefore) > 0 && string(extra.NotBefore) != "null" {
		t, ok := numericDate(extra.NotBefore)
		if !ok {
			return nil, invalid("nbf", ErrNotBefore, "not a number")
		}
		c.NotBefore = t
	}
	if err := v.check(c, want, len(extra.Expiry) > 0, len(extra.IssuedAt) > 0); err != nil {
		return nil, err
	}
	return c, nil
}

// check runs the claim checks in the order Auth0 documents.
func (v *Validator) check(c *Claims, want Expect, hasExp, hasIat bool) error {
	now := v.now()
	if err := v.checkParties(c); err != nil {
		return err
	}
	if err := v.checkTimes(c, now, hasExp, hasIat); err != nil {
		return err
	}
	return v.checkRequest(c, want, now)
}

// checkParties checks who issued the token, for whom and about whom:
// iss, sub and aud.
func (v *Validator) checkParties(c *Claims) error {
	switch {
	case c.Issuer == "":
		return missing("iss", ErrIssuer)
	case c.Issuer != v.cfg.Issuer:
		return invalid("iss", ErrIssuer, fmt.Sprintf("got %q, want %q", redact.Clip(c.Issuer, 64), v.cfg.Issuer))
	}
	if c.Subject == "" {
		return missing("sub", ErrSubject)
	}
	switch {
	case len(c.Audience) == 0:
		return missing("aud", ErrAudience)
	case !slices.Contains(c.Audience, v.cfg.ClientID):
		return invalid("aud", ErrAudience, "client id not among the audiences")
	}
	return nil
}

// checkTimes checks exp, iat and nbf against now, with the leeway.
func (v *Validator) checkTimes(c *Claims, now time.Time, hasExp, hasIat bool) error {
	switch {
	case !hasExp:
		return missing("exp", ErrExpired)
	case now.After(c.Expiry.Add(v.leeway)):
		return invalid("exp", ErrExpired, "expired at "+c.Expiry.UTC().Format(time.RFC3339))
	}
	switch {
	case !hasIat:
		return missing("iat", ErrIssuedAt)
	case c.IssuedAt.After(now.Add(v.leeway)):
		return invalid("iat", ErrIssuedAt, "issued in the future")
	}
	// RFC 7519 section 4.1.5: not to be accepted before nbf.
	if !c.NotBefore.IsZero() && c.NotBefore.After(now.Add(v.leeway)) {
		return invalid("nbf", ErrNotBefore, "not valid before "+c.NotBefore.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkRequest checks what this request expects: the nonce, the
// authorized party of a token with several audiences, max_age and the
// organization.
func (v *Validator) checkRequest(c *Claims, want Expect, now time.Time) error {
	if want.Nonce != "" {
		switch {
		case c.Nonce == "":
			return missing("nonce", ErrNonce)
		case c.Nonce != want.Nonce:
			return invalid("nonce", ErrNonce, "not the nonce of the request")
		}
	}
	if len(c.Audience) > 1 {
		switch {
		case c.AuthorizedParty == "":
			return missing("azp", ErrAuthorizedParty)
		case c.AuthorizedParty != v.cfg.ClientID:
			return invalid("azp", ErrAuthorizedParty, "not the client id")
		}
	}
	if want.MaxAge > 0 {
		switch {
		case c.AuthTime.IsZero():
			return missing("auth_time", ErrAuthTime)
		case now.After(c.AuthTime.Add(want.MaxAge).Add(v.leeway)):
			return invalid("auth_time", ErrAuthTime, "older than max_age")
		}
	}
	return checkOrganization(c, want.Organization)
}

// checkOrganization checks org_id (for an org of the form "org_...") or
// org_name (otherwise, in any case) against org, when org is set.
func checkOrganization(c *Claims, org string) error {
	switch {
	case org == "":
		return nil
	case strings.HasPrefix(org, "org_") && c.OrgID == "":
		return missing("org_id", ErrOrganization)
	case strings.HasPrefix(org, "org_") && c.OrgID != org:
		return invalid("org_id", ErrOrganization, fmt.Sprintf("got %q, want %q", redact.Clip(c.OrgID, 64), org))
	case strings.HasPrefix(org, "org_"):
		return nil
	case c.OrgName == "":
		return missing("org_name", ErrOrganization)
	case !strings.EqualFold(c.OrgName, org):
		return invalid("org_name", ErrOrganization, fmt.Sprintf("got %q, want %q", redact.Clip(c.OrgName, 64), org))
	}
	return nil
}

// checkSize refuses a token longer than MaxTokenBytes.
func checkSize(raw string) error {
	if len(raw) > MaxTokenBytes {
		return &ValidationError{Err: ErrTooLarge, Reason: fmt.Sprintf("%d bytes, limit %d", len(raw), MaxTokenBytes)}
	}
	return nil
}

// headerAlg reads "alg" from the protected header of a compact JWS
// without trusting anything else in it.
func headerAlg(raw string) (string, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", &ValidationError{Err: ErrMalformed, Reason: "want three dot-separated parts, got " + strconv.Itoa(len(parts))}
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", &ValidationError{Err: ErrMalformed, Reason: "header is not base64url"}
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return "", &ValidationError{Err: ErrMalformed, Reason: "header is not JSON"}
	}
	return h.Alg, nil
}

// numericDate reads a JSON number of seconds since the epoch.
func numericDate(raw json.RawMessage) (time.Time, bool) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return time.Time{}, false
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true
}

// sigErrKey carries a *error through go-oidc's Verify so the typed error
// of the key set survives its string wrapping.
type sigErrKey struct{}

// capturingKeySet records the typed error of the wrapped key set in the
// context slot of sigErrKey.
type capturingKeySet struct{ ks oidc.KeySet }

func (c capturingKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := c.ks.VerifySignature(ctx, jwt)
	if err != nil {
		if slot, ok := ctx.Value(sigErrKey{}).(*error); ok {
			*slot = err
		}
	}
	return payload, err
}

// hmacKeySet verifies HS256 signatures with the client secret.
type hmacKeySet struct{ secret []byte }

func (h hmacKeySet) VerifySignature(_ context.Context, jwt string) ([]byte, error) {
	if err := checkSize(jwt); err != nil {
		return nil, err
	}
	jws, err := jose.ParseSignedCompact(jwt, []jose.SignatureAlgorithm{jose.HS256})
	if err != nil {
		return nil, &ValidationError{Err: ErrMalformed, Cause: err}
	}
	payload, err := jws.Verify(h.secret)
	if err != nil {
		return nil, &ValidationError{Err: ErrSignature}
	}
	return payload, nil
}
