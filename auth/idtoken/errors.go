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

// ValidationError is a refused ID token: a failed claim check (Claim
// set), or a failure of the token as a whole, its form, algorithm, key or
// signature (Claim empty). Err is the sentinel of the check; errors.Is
// matches it (and ErrMissingClaim when Missing), and Cause, when set, is
// the underlying error (a network error for ErrKeySet). The message names
// the claim and the reason, never the token or a value that could be
// secret.
type ValidationError struct {
	// Claim is the JWT claim that failed ("iss", "aud", "exp", ...);
	// empty for a failure of the whole token.
	Claim string
	// Err is the sentinel of the check, such as ErrAudience or
	// ErrSignature.
	Err error
	// Missing reports that the claim was absent.
	Missing bool
	// Reason explains the failure in a few words (an algorithm name, a
	// key id).
	Reason string
	// Cause is the underlying error, if any.
	Cause error
}

// Error names the claim and the reason, or gives the sentinel's text with
// the reason and the cause.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Claim == "" {
		if e.Reason != "" {
			b.WriteString(": ")
			b.WriteString(e.Reason)
		}
		if e.Cause != nil {
			b.WriteString(": ")
			b.WriteString(e.Cause.Error())
		}
		return b.String()
	}
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

// Unwrap returns the sentinel and the cause.
func (e *ValidationError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// Is matches ErrMissingClaim for an absent claim.
func (e *ValidationError) Is(target error) bool { return e.Missing && target == ErrMissingClaim }

func missing(claim string, sentinel error) error {
	return &ValidationError{Claim: claim, Err: sentinel, Missing: true}
}

func invalid(claim string, sentinel error, reason string) error {
	return &ValidationError{Claim: claim, Err: sentinel, Reason: reason}
}
