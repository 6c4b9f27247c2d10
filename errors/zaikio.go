package errors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// ZaikioValidationError is the detail of a Zaikio Hub answer that lists
// what was wrong with a request: a 422 (or 400) whose body is
// {"errors": {"field": ["message", ...]}} or {"errors": ["message", ...]}.
// Reach it from an *APIError with errors.As. It matches ErrBadRequest.
type ZaikioValidationError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Fields maps each field name to its messages, from the object form.
	Fields map[string][]string
	// Messages are the messages of the list form (a "base" field of the
	// object form is copied here too).
	Messages []string
}

// Error lists up to a few field messages in one line.
func (e *ZaikioValidationError) Error() string {
	var msgs []string
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "base" {
			continue
		}
		for _, m := range e.Fields[k] {
			msgs = append(msgs, k+" "+m)
		}
	}
	msgs = append(msgs, e.Messages...)
	if len(msgs) == 0 {
		return "zaikio validation failed (" + statusText(e.StatusCode) + ")"
	}
	return "zaikio validation failed (" + statusText(e.StatusCode) + "): " + redact.Clip(joinMessages(msgs), 2*maxMessage)
}

// Is reports whether target is ErrBadRequest.
func (e *ZaikioValidationError) Is(target error) bool { return target == ErrBadRequest }

// GoString summarizes the error for %#v.
func (e *ZaikioValidationError) GoString() string {
	if e == nil {
		return "(*errors.ZaikioValidationError)(nil)"
	}
	return fmt.Sprintf("&errors.ZaikioValidationError{StatusCode:%d, Fields:<%d>, Messages:<%d>}", e.StatusCode, len(e.Fields), len(e.Messages))
}

// DecodeZaikio decodes an error from the Zaikio Hub and its OAuth
// endpoints. Code and Message come from DecodeGeneric; then:
//
//   - an OAuth body ({"error": "invalid_grant", "error_description": ...})
//     gives an *OAuthError detail;
//   - a 400 or 422 with an "errors" object or list gives a
//     *ZaikioValidationError detail;
//   - an "errors" list whose first entry is a code such as
//     "unpermitted_scope" (the Hub's 401, 403 and 404 bodies) gives Code.
//
// 404 matches ErrNotFound and 429 ErrRateLimited with a *RateLimitError
// (see APIError). It returns e.
func DecodeZaikio(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	if oe := oauthFromBody(e, true); oe != nil {
		e.Code = oe.Code
		e.Message = oe.Description
		e.Detail = oe
		return e
	}
	_ = DecodeGeneric(e)
	obj, _, ok := parseBody(e.Body)
	if !ok || obj == nil {
		return e
	}
	raw, ok := obj.get("errors")
	if !ok {
		return e
	}
	fields, list := zaikioErrors(raw)
	if e.Code == "" && len(list) > 0 && codeLike(list[0]) {
		e.Code = list[0]
	}
	if (e.StatusCode == http.StatusUnprocessableEntity || e.StatusCode == http.StatusBadRequest) && (len(fields) > 0 || len(list) > 0) {
		ve := &ZaikioValidationError{StatusCode: e.StatusCode, Fields: fields, Messages: list}
		if base, ok := fields["base"]; ok {
			ve.Messages = append(ve.Messages, base...)
		}
		e.Detail = ve
	}
	return e
}

// maxZaikioFields bounds what is kept of an errors object.
const maxZaikioFields = 100

// zaikioErrors reads the "errors" member: an object of field -> messages
// (each a string or a list) or a list of messages.
func zaikioErrors(raw json.RawMessage) (fields map[string][]string, list []string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil
	}
	switch raw[0] {
	case '{':
		obj, ok := parseObject(raw)
		if !ok {
			return nil, nil
		}
		for _, f := range obj {
			if len(fields) >= maxZaikioFields {
				break
			}
			// A field named without messages is still invalid.
			msgs := fieldMessages(f.val)
			key := strings.TrimSpace(f.key)
			if key == "" {
				continue
			}
			if fields == nil {
				fields = map[string][]string{}
			}
			fields[key] = append(fields[key], msgs...)
		}
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return nil, nil
		}
		list, _ = listMessages(arr)
		if len(list) > maxZaikioFields {
			list = list[:maxZaikioFields]
		}
	case '"':
		if s, ok := jsonString(raw); ok && s != "" {
			list = []string{s}
		}
	}
	return fields, list
}
