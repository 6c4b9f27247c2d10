package errors

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// NexaasError is the detail of an error from Nexaas ID, a Rails server that
// uses Doorkeeper for OAuth. Like the exception of the Ruby client it carries
// the status, headers and body of the response; OAuth is filled when the
// failure was an OAuth one. Reach it from an *APIError with errors.As.
type NexaasError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Header holds the response headers. It is never printed.
	Header http.Header
	// Body is the response body, at most MaxBodyBytes long.
	Body []byte
	// OAuth is the Doorkeeper error, from a {"error", "error_description"}
	// body or, on a 401 or 403, from the WWW-Authenticate Bearer challenge.
	OAuth *OAuthError
}

// Error names the status and the OAuth error when there is one.
func (e *NexaasError) Error() string {
	var b strings.Builder
	b.WriteString("nexaas id error (")
	b.WriteString(statusText(e.StatusCode))
	b.WriteString(")")
	if e.OAuth != nil {
		if c := redact.Clip(e.OAuth.Code, 100); c != "" {
			b.WriteString(": ")
			b.WriteString(c)
		}
		if d := redact.Clip(e.OAuth.Description, maxMessage); d != "" {
			b.WriteString(": ")
			b.WriteString(d)
		}
		return b.String()
	}
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(len(e.Body)))
	b.WriteString(" bytes body")
	return b.String()
}

// Unwrap returns OAuth, or nil when the error was not an OAuth one.
func (e *NexaasError) Unwrap() error {
	if e.OAuth == nil {
		return nil
	}
	return e.OAuth
}

// GoString returns a summary without headers or body bytes, so %#v is safe.
func (e *NexaasError) GoString() string {
	if e == nil {
		return "(*errors.NexaasError)(nil)"
	}
	oauth := "nil"
	if e.OAuth != nil {
		oauth = e.OAuth.GoString()
	}
	return fmt.Sprintf("&errors.NexaasError{StatusCode:%d, Header:<%d keys>, Body:<%d bytes>, OAuth:%s}",
		e.StatusCode, len(e.Header), len(e.Body), oauth)
}

// Format prints Error for every verb and GoString for %#v.
func (e *NexaasError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON writes Error as a JSON string: no headers, no body.
func (e *NexaasError) MarshalJSON() ([]byte, error) { return redact.JSON(e.Error()) }

// DecodeNexaas decodes an error from Nexaas ID. Detail always becomes a
// *NexaasError with the status, headers and body. A Doorkeeper body
// ({"error": "invalid_token", "error_description": "..."}), or on a 401 or
// 403 the Bearer challenge in WWW-Authenticate (RFC 6750 sends
// insufficient_scope with a 403), fills its OAuth field and gives Code
// and Message. Other bodies, such as Rails validation errors
// ({"errors": {"email": ["is invalid"]}}), go through DecodeGeneric. It
// returns e.
func DecodeNexaas(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	ne := &NexaasError{StatusCode: e.StatusCode, Header: e.Header, Body: e.Body}
	oe := oauthFromBody(e, true)
	if oe == nil && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden) {
		oe = oauthFromChallenge(e)
	}
	if oe != nil {
		ne.OAuth = oe
		e.Code = oe.Code
		e.Message = oe.Description
	} else {
		_ = DecodeGeneric(e)
	}
	e.Detail = ne
	return e
}
