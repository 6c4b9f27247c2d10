package errors

import (
	stderrors "errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// MaxBodyBytes is the largest number of response body bytes any error of this
// package keeps (64 KiB). NewAPIError reads one byte more than this to learn
// whether the body was longer; a longer body is cut to MaxBodyBytes and the
// error is marked Truncated. The cap keeps a misbehaving server from making
// an error value arbitrarily large.
const MaxBodyBytes = 64 << 10

// Sentinel errors. An *APIError matches (through errors.Is) every sentinel
// that Sentinels returns for its status code, so callers can branch on the
// kind of failure without knowing which API produced it.
var (
	// ErrBadRequest matches 400 Bad Request and 422 Unprocessable Entity.
	ErrBadRequest = stderrors.New("bad request")
	// ErrUnauthorized matches 401 Unauthorized.
	ErrUnauthorized = stderrors.New("unauthorized")
	// ErrForbidden matches 403 Forbidden.
	ErrForbidden = stderrors.New("forbidden")
	// ErrNotFound matches 404 Not Found.
	ErrNotFound = stderrors.New("not found")
	// ErrConflict matches 409 Conflict.
	ErrConflict = stderrors.New("conflict")
	// ErrRateLimited matches 429 Too Many Requests and every *RateLimitError
	// (so also a 503 that carried Retry-After).
	ErrRateLimited = stderrors.New("rate limited")
	// ErrServer matches every 5xx status.
	ErrServer = stderrors.New("server error")
	// ErrUnavailable matches 503 Service Unavailable.
	ErrUnavailable = stderrors.New("service unavailable")
	// ErrTimeout matches 408 Request Timeout, 504 Gateway Timeout, and a
	// *RequestError caused by a deadline or a network timeout.
	ErrTimeout = stderrors.New("timeout")
)

// Sentinels returns the sentinel errors an HTTP status code matches, most
// specific first, or nil when it matches none (for example 418 or any 2xx).
// The returned slice is new on each call.
func Sentinels(status int) []error {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return []error{ErrBadRequest}
	case http.StatusUnauthorized:
		return []error{ErrUnauthorized}
	case http.StatusForbidden:
		return []error{ErrForbidden}
	case http.StatusNotFound:
		return []error{ErrNotFound}
	case http.StatusConflict:
		return []error{ErrConflict}
	case http.StatusTooManyRequests:
		return []error{ErrRateLimited}
	case http.StatusRequestTimeout:
		return []error{ErrTimeout}
	case http.StatusServiceUnavailable:
		return []error{ErrUnavailable, ErrServer}
	case http.StatusGatewayTimeout:
		return []error{ErrTimeout, ErrServer}
	}
	if status >= 500 && status <= 599 {
		return []error{ErrServer}
	}
	return nil
}

// APIError is a non-2xx answer from an API. NewAPIError fills the transport
// facts (status, headers, bounded body, request id, rate limits); a Decoder
// then fills Code, Message and Detail from the body.
//
// Formatting an *APIError (any fmt verb), logging it with log/slog or
// encoding it with encoding/json never prints headers, the body or the
// query string of the request URL. Only the pointer type carries these
// methods, so format the pointer, not a copied value.
type APIError struct {
	// API names the API that answered, e.g. "nexaasid".
	API string
	// Operation names the client operation that was called, e.g. "GetProfile".
	Operation string
	// Method is the HTTP method of the request.
	Method string
	// URL is scheme://host/path of the request: never its query string or
	// user information.
	URL string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Header holds the response headers. It can hold secrets (Set-Cookie), so
	// it is never printed by this package.
	Header http.Header
	// Body is the response body, at most MaxBodyBytes long.
	Body []byte
	// Truncated reports that the body was longer than MaxBodyBytes.
	Truncated bool
	// ContentType is the Content-Type header of the response as sent.
	ContentType string
	// RequestID is the server's id for the request, taken from the first
	// non-empty of X-Request-Id, Request-Id, X-Correlation-Id and
	// X-Amzn-Requestid.
	RequestID string
	// Code is the API's own error code, when the body had one.
	Code string
	// Message is the API's human-readable explanation, when the body had one.
	Message string
	// Detail is the API-specific error a Decoder found, such as an
	// *OAuthError or a *NexaasError; reach it with errors.As.
	Detail error
	// RateLimit is set for 429 responses, and for 503 responses that carry
	// Retry-After.
	RateLimit *RateLimitError
}

// requestIDHeaders are the headers a request id is taken from, in order.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid"}

// NewAPIError builds an *APIError from a non-2xx response. It reads at most
// MaxBodyBytes+1 bytes of resp.Body (setting Truncated when there were more)
// and does not close the body: that stays the caller's job. A read error
// keeps what was read so far. A nil resp gives an APIError with status 0.
func NewAPIError(api, operation string, resp *http.Response) *APIError {
	return newAPIError(api, operation, resp, time.Now())
}

func newAPIError(api, operation string, resp *http.Response, now time.Time) *APIError {
	e := &APIError{API: api, Operation: operation}
	if resp == nil {
		return e
	}
	e.StatusCode = resp.StatusCode
	e.Header = resp.Header.Clone()
	if e.Header == nil {
		e.Header = http.Header{}
	}
	if req := resp.Request; req != nil {
		e.Method = req.Method
		if req.URL != nil {
			e.URL = redact.SafeURL(req.URL)
		}
	}
	e.ContentType = strings.TrimSpace(e.Header.Get("Content-Type"))
	for _, name := range requestIDHeaders {
		if v := strings.TrimSpace(e.Header.Get(name)); v != "" {
			e.RequestID = v
			break
		}
	}
	if resp.Body != nil {
		// Errors are ignored on purpose: a body cut short by the network
		// still says something, and the status is what matters.
		b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
		if len(b) > MaxBodyBytes {
			b = b[:MaxBodyBytes:MaxBodyBytes]
			e.Truncated = true
		}
		if len(b) > 0 {
			e.Body = b
		}
	}
	switch {
	case e.StatusCode == http.StatusTooManyRequests:
		e.RateLimit = ParseRateLimit(e.Header, now)
		if e.RateLimit == nil {
			e.RateLimit = &RateLimitError{}
		}
		e.RateLimit.StatusCode = e.StatusCode
	case e.StatusCode == http.StatusServiceUnavailable:
		if _, ok := ParseRetryAfter(e.Header, now); ok {
			e.RateLimit = ParseRateLimit(e.Header, now)
			e.RateLimit.StatusCode = e.StatusCode
		}
	}
	return e
}

// Error returns one line: API and operation, method and URL, status, then the
// API's code and message, or a short description of the body when the body
// gave neither.
func (e *APIError) Error() string {
	var b strings.Builder
	writeWhere(&b, e.API, e.Operation, e.Method, e.URL)
	b.WriteString(statusText(e.StatusCode))
	code, msg := redact.Clip(e.Code, 100), redact.Clip(e.Message, maxMessage)
	if code != "" || msg != "" {
		if code != "" {
			b.WriteString(": ")
			b.WriteString(code)
		}
		if msg != "" && msg != code {
			b.WriteString(": ")
			b.WriteString(msg)
		}
	} else {
		b.WriteString(" (")
		b.WriteString(describeBody(e.ContentType, e.Body, e.Truncated))
		b.WriteString(")")
	}
	if id := redact.Clip(e.RequestID, 64); id != "" {
		b.WriteString(" [request id ")
		b.WriteString(id)
		b.WriteString("]")
	}
	return b.String()
}

// GoString returns a summary of e that is safe to log: no headers and no body
// bytes, only their sizes. It makes %#v safe.
func (e *APIError) GoString() string {
	if e == nil {
		return "(*errors.APIError)(nil)"
	}
	return fmt.Sprintf("&errors.APIError{API:%q, Operation:%q, Method:%q, URL:%q, StatusCode:%d, ContentType:%q, RequestID:%q, Code:%q, Message:%q, Header:<%d keys>, Body:<%d bytes>, Truncated:%t, Detail:%s, RateLimit:%s}",
		redact.Clip(e.API, 64), redact.Clip(e.Operation, 128), redact.Clip(e.Method, 16), redact.Clip(redact.URL(e.URL), 512),
		e.StatusCode, redact.Clip(e.ContentType, 100), redact.Clip(e.RequestID, 64), redact.Clip(e.Code, 100),
		redact.Clip(e.Message, maxMessage), len(e.Header), len(e.Body), e.Truncated,
		typeName(e.Detail), typeName(e.RateLimit))
}

// Format prints Error for every verb and GoString for %#v, so no verb
// (%d and %x included) reaches the headers or the body.
func (e *APIError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON writes Error as a JSON string, so encoding/json (and slog's
// JSON handler, which encodes nested values with it) never writes the
// headers or the body either.
func (e *APIError) MarshalJSON() ([]byte, error) { return redact.JSON(e.Error()) }

// formatError is the Format of the errors that keep headers or a body:
// GoString for %#v, Error for every other verb.
func formatError(f fmt.State, verb rune, e interface {
	error
	fmt.GoStringer
}) {
	if verb == 'v' && f.Flag('#') {
		redact.Format(f, 's', e.GoString())
		return
	}
	redact.Format(f, verb, e.Error())
}

// Is reports whether target is one of the sentinels of e's status code (see
// Sentinels).
func (e *APIError) Is(target error) bool {
	for _, s := range Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// Unwrap returns Detail and RateLimit, the ones that are set, so errors.As
// and errors.Is look into them.
func (e *APIError) Unwrap() []error {
	var errs []error
	if e.Detail != nil {
		errs = append(errs, e.Detail)
	}
	if e.RateLimit != nil {
		errs = append(errs, e.RateLimit)
	}
	return errs
}

// Decoder fills Code, Message and Detail of an *APIError from its body and
// headers and returns the error to hand to the user (normally e itself).
type Decoder func(e *APIError) error

// Decode builds an *APIError from resp with NewAPIError and runs d over it;
// a nil d means DecodeGeneric. It does not close resp.Body. A decoder that
// returns nil cannot hide the failure: the *APIError is returned instead.
func Decode(d Decoder, api, operation string, resp *http.Response) error {
	e := NewAPIError(api, operation, resp)
	if d == nil {
		d = DecodeGeneric
	}
	if err := d(e); err != nil {
		return err
	}
	return e
}

// statusText gives "404 Not Found", or the bare number for unknown codes.
func statusText(code int) string {
	if code == 0 {
		return "no status"
	}
	if t := http.StatusText(code); t != "" {
		return strconv.Itoa(code) + " " + t
	}
	return strconv.Itoa(code)
}

// typeName names the dynamic type of v for GoString, or "nil".
func typeName(v error) string {
	if v == nil {
		return "nil"
	}
	if rl, ok := v.(*RateLimitError); ok && rl == nil {
		return "nil"
	}
	return fmt.Sprintf("%T", v)
}

// writeWhere writes the start of an error's line: API and operation, then
// method and URL (never its query or user information), each part clipped
// and followed by ": " when it is not empty.
func writeWhere(b *strings.Builder, api, op, method, rawURL string) {
	if p := joinNonEmpty(" ", redact.Clip(api, 64), redact.Clip(op, 128)); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	if p := joinNonEmpty(" ", redact.Clip(method, 16), redact.Clip(redact.URL(rawURL), 512)); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
