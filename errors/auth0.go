package errors

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Auth0Error is an error body of the Auth0 Management API v2:
//
//	{"statusCode": 404, "error": "Not Found", "message": "The user does not exist.", "errorCode": "inexistent_user"}
//
// Reach it from an *APIError with errors.As. It matches (errors.Is) the
// sentinels of its status, like the *APIError it came with. A 429 also
// carries the rate-limit headers in the *APIError's RateLimit field
// (errors.As with *RateLimitError).
type Auth0Error struct {
	// StatusCode is the HTTP status of the response (Auth0 repeats it in
	// the body as "statusCode").
	StatusCode int `json:"statusCode"`
	// Err is the status phrase Auth0 sends as "error", such as "Not Found".
	Err string `json:"error"`
	// Message is Auth0's explanation, such as "The user does not exist.".
	Message string `json:"message"`
	// ErrorCode is Auth0's machine-readable code, such as "inexistent_user",
	// "invalid_body" or "too_many_requests", when sent.
	ErrorCode string `json:"errorCode"`
}

// Error returns the code, status and message in one line.
func (e *Auth0Error) Error() string {
	var b strings.Builder
	b.WriteString("auth0 management error")
	if c := redact.Clip(e.ErrorCode, 100); c != "" {
		b.WriteString(" ")
		b.WriteString(c)
	}
	b.WriteString(" (")
	b.WriteString(statusText(e.StatusCode))
	b.WriteString(")")
	msg := redact.Clip(e.Message, maxMessage)
	if msg == "" {
		msg = redact.Clip(e.Err, 100)
	}
	if msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// Is reports whether target is one of the sentinels of e's status code
// (see Sentinels).
func (e *Auth0Error) Is(target error) bool {
	for _, s := range Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// GoString returns e with its text fields cleaned the way Error() cleans
// them, so %#v cannot print a URL's query string or a control character
// a server echoed.
func (e *Auth0Error) GoString() string {
	if e == nil {
		return "(*errors.Auth0Error)(nil)"
	}
	return fmt.Sprintf("&errors.Auth0Error{StatusCode:%d, Err:%q, Message:%q, ErrorCode:%q}",
		e.StatusCode, redact.Clip(e.Err, 100), redact.Clip(e.Message, maxMessage), redact.Clip(e.ErrorCode, 100))
}

// DecodeAuth0 decodes an error of the Auth0 Management API. Detail always
// becomes an *Auth0Error with the HTTP status; an Auth0 body
// ({"statusCode", "error", "message", "errorCode"}) fills its other
// fields, Code takes errorCode and Message takes message. Any other body
// (an HTML page from a proxy, plain text, bad JSON) goes through
// DecodeGeneric, whose Message is copied to the detail. 429 answers carry
// X-RateLimit-Limit, -Remaining, -Reset and Retry-After in e.RateLimit
// (see NewAPIError). It returns e.
func DecodeAuth0(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	ae := &Auth0Error{StatusCode: e.StatusCode}
	if obj, _, ok := parseBody(e.Body); ok && obj != nil && isAuth0Body(obj) {
		ae.Err = obj.str("error")
		ae.Message = obj.str("message")
		ae.ErrorCode = obj.scalar("errorCode")
		if ae.Message == "" {
			// Some answers (gateway errors) put the explanation elsewhere.
			ae.Message = obj.str("error_description", "description")
		}
		e.Code = ae.ErrorCode
		e.Message = ae.Message
		if e.Message == "" && ae.Err != "" && ae.Err != http.StatusText(e.StatusCode) {
			e.Message = ae.Err
		}
	} else {
		_ = DecodeGeneric(e)
		ae.Message = e.Message
	}
	e.Detail = ae
	return e
}

// isAuth0Body reports whether obj has the Management API's error fields.
func isAuth0Body(obj object) bool {
	for _, k := range []string{"statusCode", "errorCode", "message"} {
		if _, ok := obj.get(k); ok {
			return true
		}
	}
	if raw, ok := obj.get("error"); ok {
		_, isString := jsonString(raw)
		return isString
	}
	return false
}
