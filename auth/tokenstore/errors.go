package tokenstore

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned (possibly wrapped in a *NotFoundError) when there
// is no usable token: no row, a row that expired and cannot be refreshed, or
// a row whose refresh token the server refused (invalid_grant).
var ErrNotFound = errors.New("tokenstore: no usable token")

// ErrNoSuchBearer is matched (errors.Is) by the error Get returns when the
// server says the bearer does not exist (bearer_does_not_exist).
var ErrNoSuchBearer = errors.New("tokenstore: no such bearer")

// ErrUnknownKey is matched by a *KeyError for a row encrypted with a key id
// that is not in the keyring.
var ErrUnknownKey = errors.New("tokenstore: key id is not in the keyring")

// ErrDecrypt is matched by a *KeyError for a ciphertext that does not
// decrypt: a wrong key under a known id, or a tampered or moved value.
var ErrDecrypt = errors.New("tokenstore: ciphertext does not decrypt")

// ErrNoScopes is matched by the error Get returns when there is no scope
// to ask for: none given in GetOptions.Scopes and none configured for the
// bearer type (ClientConfig.Scopes for a Person, OrganizationScopes for an
// Organization). A token asked for with no scope would carry no rights.
var ErrNoScopes = errors.New("tokenstore: no scopes to ask for")

// ErrUnknownClient is returned for an audience no ClientConfig was given for.
var ErrUnknownClient = errors.New("tokenstore: unknown client")

// NotFoundError says why there is no usable token for ID. It matches
// ErrNotFound.
type NotFoundError struct {
	// ID is the row id asked for, empty for a lookup by bearer.
	ID string
	// Reason is "missing", "expired" (and not refreshable) or
	// "invalid_grant" (the refresh was refused and the row deleted).
	Reason string
}

// Error describes the result.
func (e *NotFoundError) Error() string {
	if e.ID == "" {
		return "tokenstore: no usable token (" + e.Reason + ")"
	}
	return fmt.Sprintf("tokenstore: no usable token %q (%s)", e.ID, e.Reason)
}

// Is matches ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// NoSuchBearerError is returned by Get when the server answered
// bearer_does_not_exist. It matches ErrNoSuchBearer and unwraps to the
// token request error.
type NoSuchBearerError struct {
	// BearerType is "Person" or "Organization".
	BearerType string
	// BearerID is the id that does not exist.
	BearerID string
	// Err is the token request error.
	Err error
}

// Error describes the result.
func (e *NoSuchBearerError) Error() string {
	return fmt.Sprintf("tokenstore: no such bearer %s %q", e.BearerType, e.BearerID)
}

// Is matches ErrNoSuchBearer.
func (e *NoSuchBearerError) Is(target error) bool { return target == ErrNoSuchBearer }

// Unwrap returns the token request error.
func (e *NoSuchBearerError) Unwrap() error { return e.Err }

// KeyError is a row that cannot be decrypted. It matches ErrUnknownKey or
// ErrDecrypt.
type KeyError struct {
	// KeyID is the key id stored in the row.
	KeyID string
	// RowID is the row.
	RowID string
	// Err is ErrUnknownKey or ErrDecrypt.
	Err error
}

// Error describes the failure (ids only, never key material or tokens).
func (e *KeyError) Error() string {
	if errors.Is(e.Err, ErrUnknownKey) {
		return fmt.Sprintf("tokenstore: row %q was encrypted with key id %q, which is not in the keyring (add that key to decrypt it)", e.RowID, e.KeyID)
	}
	return fmt.Sprintf("tokenstore: row %q does not decrypt with key id %q (wrong key material or tampered row)", e.RowID, e.KeyID)
}

// Unwrap returns ErrUnknownKey or ErrDecrypt.
func (e *KeyError) Unwrap() error { return e.Err }
