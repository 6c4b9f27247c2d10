package errors

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// AuthleteResult is the detail of an error from the Authlete API: the
// {"resultCode", "resultMessage"} body Authlete sends with its 400, 401,
// 403, 404 and 500 answers. ResultCode is Authlete's message id (for
// example "A001201"); ResultMessage usually repeats it in brackets before
// the explanation. Reach it from an *APIError with errors.As.
type AuthleteResult struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// ResultCode is Authlete's result code, such as "A001202".
	ResultCode string
	// ResultMessage is Authlete's explanation, such as
	// "[A001202] /auth/authorization, Authorization header is missing.".
	ResultMessage string
}

// Error returns the status, the result code and the message in one line.
func (e *AuthleteResult) Error() string {
	var b strings.Builder
	b.WriteString("authlete")
	code := redact.Clip(e.ResultCode, 100)
	if code != "" {
		b.WriteString(" ")
		b.WriteString(code)
	}
	b.WriteString(" (")
	b.WriteString(statusText(e.StatusCode))
	b.WriteString(")")
	if msg := redact.Clip(e.ResultMessage, maxMessage); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	return b.String()
}

// GoString returns e with its text fields cleaned the way Error() cleans
// them, so %#v never prints control characters or a URL's query string
// that a server echoed.
func (e *AuthleteResult) GoString() string {
	if e == nil {
		return "(*errors.AuthleteResult)(nil)"
	}
	return fmt.Sprintf("&errors.AuthleteResult{StatusCode:%d, ResultCode:%q, ResultMessage:%q}",
		e.StatusCode, redact.Clip(e.ResultCode, 100), redact.Clip(e.ResultMessage, maxMessage))
}

// Is reports whether target is one of the sentinels of e's status code (see
// Sentinels), so errors.Is(err, ErrNotFound) holds for the detail alone too.
func (e *AuthleteResult) Is(target error) bool {
	for _, s := range Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// authleteResultStatuses are the statuses the Authlete API documents with a
// result body.
var authleteResultStatuses = map[int]bool{
	http.StatusBadRequest:          true,
	http.StatusUnauthorized:        true,
	http.StatusForbidden:           true,
	http.StatusNotFound:            true,
	http.StatusInternalServerError: true,
}

// DecodeAuthlete decodes an error from the Authlete API. A JSON body with
// resultCode or resultMessage on a 400, 401, 403, 404 or 500 answer makes
// Detail an *AuthleteResult, Code the result code and Message the result
// message. Any other status or content type (a proxy's HTML 502, an empty
// 500, a truncated body) goes through DecodeGeneric, leaving an *APIError
// whose Error() describes the body. It returns e, which still matches the
// sentinels of its status.
func DecodeAuthlete(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	if r := authleteResult(e); r != nil {
		e.Detail = r
		e.Code = r.ResultCode
		e.Message = r.ResultMessage
		return e
	}
	return DecodeGeneric(e)
}

// authleteResult returns the result in e's body, or nil when the answer is
// not a documented Authlete error.
func authleteResult(e *APIError) *AuthleteResult {
	if !authleteResultStatuses[e.StatusCode] || e.Truncated {
		return nil
	}
	mt := mediaType(e.ContentType)
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return nil
	}
	obj, _, ok := parseBody(e.Body)
	if !ok || obj == nil {
		return nil
	}
	// resultCode is a string in the API; the document's own example once
	// gave a number, so a number is read as its text.
	code := obj.scalar("resultCode")
	msg := obj.str("resultMessage")
	if code == "" && msg == "" {
		return nil
	}
	return &AuthleteResult{StatusCode: e.StatusCode, ResultCode: code, ResultMessage: msg}
}
