package tokenstore

import (
	"errors"
	"fmt"
)

// ErrNotFound is matched by the *Error returned when there
// is no usable token: no row, a row that expired and cannot be refreshed, or
// a row whose refresh token the server refused (invalid_grant).
var ErrNotFound = errors.New("tokenstore: no usable token")

// ErrNoSuchBearer is matched (errors.Is) by the error Get returns when the
// server says the bearer does not exist (bearer_does_not_exist).
var ErrNoSuchBearer = errors.New("tokenstore: no such bearer")

// ErrUnknownKey is matched by the *Error of a row encrypted with a key id
// that is not in the keyring.
var ErrUnknownKey = errors.New("tokenstore: key id is not in the keyring")

// ErrDecrypt is matched by the *Error of a ciphertext that does not
// decrypt: a wrong key under a known id, or a tampered or moved value.
var ErrDecrypt = errors.New("tokenstore: ciphertext does not decrypt")

// ErrNoScopes is matched by the error Get returns when there is no scope
// to ask for: none given in GetOptions.Scopes and none configured for the
// bearer type (ClientConfig.Scopes for a Person, OrganizationScopes for an
// Organization). A token asked for with no scope would carry no rights.
var ErrNoScopes = errors.New("tokenstore: no scopes to ask for")

// ErrUnknownClient is returned for an audience no ClientConfig was given for.
var ErrUnknownClient = errors.New("tokenstore: unknown client")

// Error is a failure about one row or bearer. Err is its sentinel, which
// errors.Is matches: ErrNotFound (no usable token for ID; Reason says
// why), ErrNoSuchBearer (the server answered bearer_does_not_exist for
// BearerType and BearerID; Cause is the token request error), or
// ErrUnknownKey and ErrDecrypt (row ID does not decrypt with key KeyID).
// Its text holds ids only, never key material or tokens.
type Error struct {
	// Err is the sentinel.
	Err error
	// ID is the row id; empty for a lookup by bearer.
	ID string
	// Reason, for ErrNotFound, is "missing", "expired" (and not
	// refreshable) or "invalid_grant" (the refresh was refused and the
	// row deleted).
	Reason string
	// BearerType ("Person" or "Organization") and BearerID name the
	// bearer of ErrNoSuchBearer.
	BearerType, BearerID string
	// KeyID is the key id stored in the row, for ErrUnknownKey and
	// ErrDecrypt.
	KeyID string
	// Cause is the token request error of ErrNoSuchBearer.
	Cause error
}

// Error describes the result.
func (e *Error) Error() string {
	switch e.Err {
	case ErrNoSuchBearer:
		return fmt.Sprintf("tokenstore: no such bearer %s %q", e.BearerType, e.BearerID)
	case ErrUnknownKey:
		return fmt.Sprintf("tokenstore: row %q was encrypted with key id %q, which is not in the keyring (add that key to decrypt it)", e.ID, e.KeyID)
	case ErrDecrypt:
		return fmt.Sprintf("tokenstore: row %q does not decrypt with key id %q (wrong key material or tampered row)", e.ID, e.KeyID)
	}
	if e.ID == "" {
		return "tokenstore: no usable token (" + e.Reason + ")"
	}
	return fmt.Sprintf("tokenstore: no usable token %q (%s)", e.ID, e.Reason)
}

// Unwrap returns the sentinel and the cause.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// notFound is the ErrNotFound error of row id.
func notFound(id, reason string) error { return &Error{Err: ErrNotFound, ID: id, Reason: reason} }
