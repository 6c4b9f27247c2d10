package errors

import (
	stderrors "errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// DecodeError reports a 2xx response whose body is not what the API document
// promised: bad JSON, an HTML page, a wrong type. Its Error() names the API,
// operation, status, content type and body length, never the body itself (a
// successful body may hold tokens).
type DecodeError struct {
	// API names the API that answered.
	API string
	// Operation names the client operation that was called.
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// ContentType is the Content-Type header of the response as sent.
	ContentType string
	// Body is the response body, which callers bound to MaxBodyBytes
	// (NewDecodeError does it for them).
	Body []byte
	// Err is the decoding error.
	Err error
	// Path names the first member of the answer that did not fit its Go
	// type, as a Go reader writes it (users[3].created_at); empty when the
	// body as a whole could not be read (bad JSON, wrong content type).
	Path string
	// Value, when Path is set, is the answer decoded without the members
	// that failed (read as null): a pointer to the result type of the
	// operation, so the rest of the answer stays usable.
	Value any
}

// NewDecodeError builds a *DecodeError for resp, whose body was read into
// body and failed to decode with err. Body keeps a copy of at most
// MaxBodyBytes of body.
func NewDecodeError(api, operation string, resp *http.Response, body []byte, err error) *DecodeError {
	e := &DecodeError{API: api, Operation: operation, Err: err}
	if resp != nil {
		e.StatusCode = resp.StatusCode
		e.ContentType = strings.TrimSpace(resp.Header.Get("Content-Type"))
	}
	if len(body) > 0 {
		e.Body = append([]byte(nil), body[:min(len(body), MaxBodyBytes)]...)
	}
	return e
}

// Error describes the failure in one line.
func (e *DecodeError) Error() string {
	var b strings.Builder
	if p := joinNonEmpty(" ", redact.Clip(e.API, 64), redact.Clip(e.Operation, 128)); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	b.WriteString("cannot decode ")
	if e.Path != "" {
		b.WriteString(redact.Clip(e.Path, 200))
		b.WriteString(" in ")
	}
	b.WriteString(statusText(e.StatusCode))
	b.WriteString(" response (")
	b.WriteString(describeBody(e.ContentType, e.Body, false))
	b.WriteString(")")
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(redact.Clip(e.Err.Error(), 500))
	}
	return b.String()
}

// Unwrap returns Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// GoString returns a summary without the body bytes, so %#v is safe.
func (e *DecodeError) GoString() string {
	if e == nil {
		return "(*errors.DecodeError)(nil)"
	}
	return fmt.Sprintf("&errors.DecodeError{API:%q, Operation:%q, StatusCode:%d, ContentType:%q, Body:<%d bytes>, Err:%s}",
		redact.Clip(e.API, 64), redact.Clip(e.Operation, 128), e.StatusCode, redact.Clip(e.ContentType, 100), len(e.Body), typeName(e.Err))
}

// Format prints Error for every verb and GoString for %#v.
func (e *DecodeError) Format(f fmt.State, verb rune) { formatError(f, verb, e) }

// MarshalJSON writes Error as a JSON string: no headers, no body.
func (e *DecodeError) MarshalJSON() ([]byte, error) { return redact.JSON(e.Error()) }

// RequestError reports a request that got no response: a refused
// connection, a TLS failure, a timeout, a cancelled context.
type RequestError struct {
	// API names the API that was called.
	API string
	// Operation names the client operation that was called.
	Operation string
	// Method is the HTTP method of the request.
	Method string
	// URL is the request URL. Error() prints it without query string or
	// user information whatever it holds.
	URL string
	// Err is the transport error.
	Err error
}

// Error describes the failure in one line. It never prints a query string:
// when Err is a *url.Error (whose text repeats the full URL) only its inner
// error is printed, and any other URL in the text is cut to
// scheme://host/path.
func (e *RequestError) Error() string {
	var b strings.Builder
	writeWhere(&b, e.API, e.Operation, e.Method, e.URL)
	b.WriteString(e.cause())
	return b.String()
}

// cause is the cleaned text of Err without URLs' secrets.
func (e *RequestError) cause() string {
	err := e.Err
	if ue, ok := err.(*url.Error); ok {
		if ue.Err == nil {
			return redact.Clip(ue.Op+" failed", 100)
		}
		err = ue.Err
	}
	if err == nil {
		return "request failed"
	}
	msg := err.Error()
	// Wrapped *url.Errors deeper in the chain quote their URL: cut it.
	var ue *url.Error
	if stderrors.As(err, &ue) && ue.URL != "" {
		msg = strings.ReplaceAll(msg, ue.URL, redact.URL(ue.URL))
	}
	if e.URL != "" {
		msg = strings.ReplaceAll(msg, e.URL, redact.URL(e.URL))
	}
	if msg = redact.Clip(msg, 500); msg == "" {
		return "request failed"
	}
	return msg
}

// Unwrap returns Err, or the error inside Err when Err is a *url.Error:
// its method and URL are the RequestError's own, so the cause sits one
// step below the RequestError. errors.As still finds the *url.Error (see
// As).
func (e *RequestError) Unwrap() error {
	if ue, ok := e.Err.(*url.Error); ok && ue.Err != nil {
		return ue.Err
	}
	return e.Err
}

// As sets target to the *url.Error that Unwrap steps over, for targets of
// type **url.Error and *net.Error (a *url.Error is a net.Error).
func (e *RequestError) As(target any) bool {
	ue, ok := e.Err.(*url.Error)
	if !ok {
		return false
	}
	switch t := target.(type) {
	case **url.Error:
		*t = ue
	case *net.Error:
		*t = ue
	default:
		return false
	}
	return true
}

// Is reports whether target is ErrTimeout and Err is, or wraps,
// context.DeadlineExceeded or a net.Error whose Timeout() is true.
func (e *RequestError) Is(target error) bool {
	if ue, ok := e.Err.(*url.Error); ok && target == error(ue) {
		return true // the *url.Error Unwrap steps over
	}
	return target == ErrTimeout && redact.IsTimeout(e.Err)
}

// GoString returns a summary with the URL cut to scheme://host/path, so %#v
// is safe.
func (e *RequestError) GoString() string {
	if e == nil {
		return "(*errors.RequestError)(nil)"
	}
	return fmt.Sprintf("&errors.RequestError{API:%q, Operation:%q, Method:%q, URL:%q, Err:%q}",
		redact.Clip(e.API, 64), redact.Clip(e.Operation, 128), redact.Clip(e.Method, 16), redact.Clip(redact.URL(e.URL), 512), e.cause())
}
