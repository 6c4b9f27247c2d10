package idtoken

import (
	"errors"
	"strings"
)

// Sentinel errors. Every error Validate returns matches exactly one of
// them through errors.Is (and ErrMissingClaim as well when a required
// claim was absent), so a caller can tell the failures apart.
var (
	// ErrMalformed: the token is not a compact JWS with a JSON header and
	// JSON claims.
	ErrMalformed = errors.New("idtoken: malformed token")
	// ErrTooLarge: the token is longer than MaxTokenBytes. It is refused
	// before it is decoded and before any key is fetched.
	ErrTooLarge = errors.New("idtoken: token too large")
	// ErrAlgorithm: the token is signed with another algorithm than the
	// one configured (including "none").
	ErrAlgorithm = errors.New("idtoken: unexpected signing algorithm")
	// ErrUnknownKey: no key of the JWKS has the token's "kid", even after
	// the JWKS was fetched again.
	ErrUnknownKey = errors.New("idtoken: signing key not found")
	// ErrSignature: the signature does not verify with the key.
	ErrSignature = errors.New("idtoken: invalid signature")
	// ErrKeySet: the JWKS could not be fetched or read.
	ErrKeySet = errors.New("idtoken: key set unavailable")
	// ErrIssuer: "iss" is absent or not the configured issuer.
	ErrIssuer = errors.New("idtoken: issuer mismatch")
	// ErrSubject: "sub" is absent.
	ErrSubject = errors.New("idtoken: subject missing")
	// ErrAudience: "aud" is absent or does not hold the client id.
	ErrAudience = errors.New("idtoken: audience mismatch")
	// ErrAuthorizedParty: the token has several audiences and "azp" is
	// absent or not the client id.
	ErrAuthorizedParty = errors.New("idtoken: authorized party mismatch")
	// ErrExpired: "exp" is absent or in the past (beyond the leeway).
	ErrExpired = errors.New("idtoken: token expired")
	// ErrIssuedAt: "iat" is absent or in the future (beyond the leeway).
	ErrIssuedAt = errors.New("idtoken: issued-at invalid")
	// ErrNotBefore: "nbf" is in the future (beyond the leeway) or not a
	// number (RFC 7519 section 4.1.5).
	ErrNotBefore = errors.New("idtoken: token not yet valid")
	// ErrNonce: "nonce" is absent or not the nonce of the request.
	ErrNonce = errors.New("idtoken: nonce mismatch")
	// ErrAuthTime: a max_age was requested and "auth_time" is absent or
	// older than max_age (beyond the leeway).
	ErrAuthTime = errors.New("idtoken: authentication too old")
	// ErrOrganization: an organization was expected and "org_id" (for an
	// id "org_...") or "org_name" (for a name) does not match.
	ErrOrganization = errors.New("idtoken: organization mismatch")
	// ErrMissingClaim is matched, besides the claim's own sentinel, when a
	// required claim is absent.
	ErrMissingClaim = errors.New("idtoken: required claim missing")
)

// ValidationError is a failed claim check. Err is the sentinel of the
// check; errors.Is matches it (and ErrMissingClaim when Missing). The
// message names the claim and the reason, never the token or a value
// that could be secret.
type ValidationError struct {
	// Claim is the JWT claim that failed ("iss", "aud", "exp", ...).
	Claim string
	// Err is the sentinel of the check, such as ErrAudience.
	Err error
	// Missing reports that the claim was absent.
	Missing bool
	// Reason explains the failure in a few words.
	Reason string
}

// Error names the claim and the reason.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	b.WriteString(" (")
	b.WriteString(e.Claim)
	if e.Missing {
		b.WriteString(" missing")
	} else if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	b.WriteString(")")
	return b.String()
}

// Unwrap returns the sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

// Is matches ErrMissingClaim for an absent claim.
func (e *ValidationError) Is(target error) bool { return e.Missing && target == ErrMissingClaim }

func missing(claim string, sentinel error) error {
	return &ValidationError{Claim: claim, Err: sentinel, Missing: true}
}

func invalid(claim string, sentinel error, reason string) error {
	return &ValidationError{Claim: claim, Err: sentinel, Reason: reason}
}

// TokenError is a failure of the token as a whole: its form, algorithm,
// key or signature. Err is one of ErrTooLarge, ErrMalformed, ErrAlgorithm,
// ErrUnknownKey, ErrSignature or ErrKeySet; Cause, when set, is the
// underlying error (a network error for ErrKeySet).
type TokenError struct {
	// Err is the sentinel.
	Err error
	// Detail is a short explanation (an algorithm name, a key id).
	Detail string
	// Cause is the underlying error, if any.
	Cause error
}

// Error returns the sentinel's text with the detail and cause.
func (e *TokenError) Error() string {
	s := e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause.
func (e *TokenError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}
