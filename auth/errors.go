package auth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact"
	"golang.org/x/oauth2"
)

// ErrInvalidCredentials is matched (errors.Is) by every error that says the
// client's own credentials were refused: a 401 from a token endpoint, or
// an OAuth error that each vendor uses for it ("invalid_client",
// "unauthorized_client", Auth0's 401 "access_denied"; see
// sdkerrors.InvalidClient). Such errors also match sdkerrors.ErrUnauthorized.
// It is sdkerrors.ErrInvalidCredentials, so the errors of the vendor
// clients (auth/auth0) match it too.
var ErrInvalidCredentials = sdkerrors.ErrInvalidCredentials

// ErrInvalidGrant is matched (errors.Is) by a token endpoint's
// "invalid_grant" error: the refresh token, code or assertion is no longer
// accepted and the user has to sign in again.
var ErrInvalidGrant = errors.New("auth: grant was refused (invalid_grant)")

// TokenError is a failed token request: the server refused it with an RFC
// 6749 error, answered with a non-2xx status, sent a response that is not
// a token, or could not be reached. Transport returns one whenever no
// token could be had (the request is then not sent): the source's own, or
// one with an empty Grant whose Err is what the source returned (a
// SaveError, a context error, ...).
//
// errors.As reaches an *sdkerrors.OAuthError inside it when the server sent
// an OAuth error, and errors.Is matches the sdkerrors sentinels of its status
// (ErrBadRequest, ErrUnauthorized, ErrServer, ...), sdkerrors.ErrUnauthorized
// and ErrInvalidCredentials for a refusal of the client's credentials (see
// ErrInvalidCredentials), ErrInvalidGrant for
// "invalid_grant", sdkerrors.ErrUnavailable when the server could not be
// reached, and sdkerrors.ErrTimeout for a timeout.
//
// Its text holds the grant, status, code and description; never the
// request, the response body, a client secret or a token. Server text it
// repeats (Description, URI, the OAuthError inside) has the client secret,
// the client assertion and the tokens the request sent replaced by
// "[redacted]", should the server echo them.
type TokenError struct {
	// Grant is the grant type that was asked for, e.g. "client_credentials".
	Grant string
	// StatusCode is the HTTP status of the token response, 0 when there was
	// none (the server could not be reached).
	StatusCode int
	// Code is the RFC 6749 "error" code, e.g. "invalid_client".
	Code string
	// Description is the server's "error_description".
	Description string
	// URI is the server's "error_uri".
	URI string
	// Err is the cause: an *sdkerrors.OAuthError when the server sent an
	// OAuth error, else the transport or decoding error.
	Err error
}

// Error describes the failure without secrets.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("auth: ")
	if e.Grant != "" {
		b.WriteString(e.Grant)
		b.WriteString(" ")
	}
	b.WriteString("token request failed")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(redact.Clip(e.Code, 100))
		if e.Description != "" {
			b.WriteString(": ")
			b.WriteString(redact.Clip(e.Description, 300))
		}
	} else if e.Err != nil && e.StatusCode == 0 {
		b.WriteString(": ")
		b.WriteString(redact.Clip(e.Err.Error(), 500))
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

// RetryableError returns false: when Transport returns a TokenError the
// request was not sent, and sending it again at once would only ask the
// source again (a Cache backs off after a failed token request by
// itself). The retry transport (package retry) reads this and ends the
// call.
func (e *TokenError) RetryableError() bool { return false }

// Is matches the sentinels described on TokenError.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrInvalidCredentials:
		return e.invalidClient()
	case ErrInvalidGrant:
		return e.Code == "invalid_grant"
	case sdkerrors.ErrUnauthorized:
		if e.invalidClient() {
			return true
		}
	case sdkerrors.ErrUnavailable:
		if e.StatusCode == 0 && isConnError(e.Err) {
			return true
		}
	case sdkerrors.ErrTimeout:
		if e.StatusCode == 0 && redact.IsTimeout(e.Err) {
			return true
		}
	}
	for _, s := range sdkerrors.Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// invalidClient: the token endpoint refused the client's credentials.
func (e *TokenError) invalidClient() bool {
	return sdkerrors.InvalidClient(e.StatusCode, e.Code) || (e.Code == "" && e.StatusCode == 401)
}

// GoString keeps %#v to the same safe facts as Error.
func (e *TokenError) GoString() string {
	return fmt.Sprintf("&auth.TokenError{Grant:%q, StatusCode:%d, Code:%q, Description:%q}",
		e.Grant, e.StatusCode, redact.Clip(e.Code, 100), redact.Clip(e.Description, 300))
}

// Format prints Error for every verb, GoString for %#v.
func (e *TokenError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		redact.Format(f, 's', e.GoString())
		return
	}
	formatRedacted(f, verb, e.Error())
}

// LogValue logs the safe facts as a group.
func (e *TokenError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("grant", e.Grant),
		slog.Int("status", e.StatusCode),
		slog.String("code", e.Code),
		slog.String("description", redact.Clip(e.Description, 300)),
	)
}

// isConnError reports whether err says the server could not be reached.
func isConnError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Op == "dial" || op.Op == "read" || op.Op == "write"
	}
	return false
}

// NewTokenError turns the error of a token request made with x/oauth2 for
// grant into a *TokenError: the one conversion of this module, for the
// packages built on this one that call x/oauth2 themselves. A
// *oauth2.RetrieveError with an OAuth error code becomes an
// *sdkerrors.OAuthError cause, one without a code an *sdkerrors.APIError
// (status, headers and the start of the body, never printed); any other
// error is kept as the cause. The secrets the request sent are scrubbed
// from everything kept. A nil err gives nil; a *TokenError is kept.
func NewTokenError(grant string, err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var te *TokenError
	if errors.As(err, &te) {
		return redact.ScrubError(err, secrets...)
	}
	e := &TokenError{Grant: grant, Err: err}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response != nil {
			e.StatusCode = re.Response.StatusCode
		}
		e.Code = re.ErrorCode
		e.Description = re.ErrorDescription
		e.URI = re.ErrorURI
		if e.Code != "" {
			e.Err = &sdkerrors.OAuthError{StatusCode: e.StatusCode, Code: e.Code, Description: e.Description, URI: e.URI}
		} else {
			e.Err = statusError(grant, re)
		}
	} else if err.Error() == missingAccessToken {
		e.Err = ErrEmptyAccessToken
	}
	return redact.ScrubError(e, secrets...)
}

// missingAccessToken is the text of x/oauth2's error for an answer
// without an access token.
const missingAccessToken = "oauth2: server response missing access_token"

// statusError is the *sdkerrors.APIError of a token endpoint's non-2xx
// answer without an OAuth error code: status, headers and the start of
// the body (never printed), as every API error of this module keeps them.
func statusError(grant string, re *oauth2.RetrieveError) error {
	if re.Response == nil {
		return &sdkerrors.APIError{API: "oauth2", Operation: grant}
	}
	resp := *re.Response
	resp.Body = io.NopCloser(bytes.NewReader(re.Body))
	return sdkerrors.NewAPIError("oauth2", grant, &resp)
}
