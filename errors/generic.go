package errors

import (
	"bytes"
	"encoding/json"
	stderrors "errors"
	"strconv"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// errNilAPIError is what a decoder returns when it is handed a nil *APIError.
var errNilAPIError = stderrors.New("idsdk errors: decoder called with a nil *APIError")

// Field names the generic decoder reads, in order of preference. Matching is
// case-insensitive.
var (
	codeKeys    = []string{"error_code", "errorCode", "code", "resultCode"}
	messageKeys = []string{"error_description", "message", "error_message", "errorMessage", "detail", "resultMessage", "title", "description", "msg"}
	fieldKeys   = []string{"field", "param", "attribute", "path"}
)

// maxListed is how many entries of an error list are joined into Message.
const maxListed = 3

// DecodeGeneric fills Code and Message from the common JSON error shapes:
//
//	{"error": "invalid_request", "error_description": "..."}
//	{"message": "...", "code": "..."}
//	{"error": {"message": "...", "code": "..."}}
//	{"errors": ["...", {"message": "..."}]}
//	{"errors": {"email": ["is invalid", "is taken"]}}
//	{"title": "...", "detail": "..."}   (RFC 9457 problem details)
//
// A few entries of an error list are joined into Message. A text/plain body
// becomes the Message. Anything else (HTML, bad JSON, an empty body) leaves
// the fields alone, and Error() describes the body instead. It returns e.
func DecodeGeneric(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	if obj, arr, ok := parseBody(e.Body); ok {
		if obj != nil {
			fillFromObject(e, obj, 0)
		} else if msgs, code := listMessages(arr); len(msgs) > 0 {
			setIfEmpty(&e.Message, joinMessages(msgs))
			setIfEmpty(&e.Code, code)
		}
		return e
	}
	if mediaType(e.ContentType) == "text/plain" && len(e.Body) > 0 {
		setIfEmpty(&e.Message, redact.Clip(string(e.Body), 4*maxMessage))
	}
	return e
}

// field is one member of a JSON object, in document order.
type field struct {
	key string
	val json.RawMessage
}

// object is a JSON object whose members keep their order.
type object []field

// get returns the value of the first member whose name matches one of names
// (case-insensitively), trying the names in order.
func (o object) get(names ...string) (json.RawMessage, bool) {
	for _, n := range names {
		for _, f := range o {
			if strings.EqualFold(f.key, n) {
				return f.val, true
			}
		}
	}
	return nil, false
}

// str returns the first of names that holds a non-empty string.
func (o object) str(names ...string) string {
	for _, n := range names {
		if v, ok := o.get(n); ok {
			if s, ok := jsonString(v); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// scalar returns the first of names that holds a non-empty string or a
// number, as text.
func (o object) scalar(names ...string) string {
	for _, n := range names {
		if v, ok := o.get(n); ok {
			if s, ok := jsonScalar(v); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

// parseBody reads body as a JSON object or array. ok is false when it is
// neither (HTML, plain text, bad or truncated JSON).
func parseBody(body []byte) (obj object, arr []json.RawMessage, ok bool) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	body = bytes.TrimSpace(body)
	if len(body) == 0 || !json.Valid(body) {
		return nil, nil, false
	}
	switch body[0] {
	case '{':
		obj, ok = parseObject(body)
		return obj, nil, ok
	case '[':
		if err := json.Unmarshal(body, &arr); err != nil {
			return nil, nil, false
		}
		return nil, arr, true
	}
	return nil, nil, false
}

// parseObject decodes a JSON object keeping the order of its members.
func parseObject(raw json.RawMessage) (object, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var obj object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, ok := tok.(string)
		if !ok {
			return nil, false
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false
		}
		obj = append(obj, field{key: key, val: val})
	}
	return obj, true
}

// jsonString returns raw as a Go string when it is a JSON string.
func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonScalar returns raw as text when it is a JSON string or number.
func jsonScalar(raw json.RawMessage) (string, bool) {
	if s, ok := jsonString(raw); ok {
		return s, true
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return "", false
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", false
	}
	return n.String(), true
}

// fillFromObject takes Code and Message from obj, looking into a nested
// "error" object and an "errors" list. Fields already set are kept.
func fillFromObject(e *APIError, obj object, depth int) {
	code := obj.scalar(codeKeys...)
	msg := obj.str(messageKeys...)
	if raw, ok := obj.get("error"); ok {
		if s, ok := jsonString(raw); ok && s != "" {
			switch {
			case code == "" && codeLike(s):
				code = s
			case msg == "" && !codeLike(s):
				msg = s
			}
		} else if nested, ok := parseObject(bytes.TrimSpace(raw)); ok && depth < 3 {
			fillFromObject(e, nested, depth+1)
		}
	}
	setIfEmpty(&e.Code, code)
	setIfEmpty(&e.Message, msg)
	if raw, ok := obj.get("errors"); ok && e.Message == "" {
		msgs, listCode := errorsMessages(raw)
		setIfEmpty(&e.Message, joinMessages(msgs))
		setIfEmpty(&e.Code, listCode)
	}
	// A lone code-like "error" with nothing else still says something.
	if e.Message == "" && e.Code == "" {
		if raw, ok := obj.get("error"); ok {
			if s, ok := jsonString(raw); ok {
				e.Message = s
			}
		}
	}
}

// errorsMessages reads an "errors" member: a list of strings or objects, or
// an object mapping field names to messages (the Rails shape). It also
// returns the code of the first listed object that has one.
func errorsMessages(raw json.RawMessage) (msgs []string, code string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, ""
	}
	switch raw[0] {
	case '[':
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) != nil {
			return nil, ""
		}
		return listMessages(arr)
	case '{':
		obj, ok := parseObject(raw)
		if !ok {
			return nil, ""
		}
		for _, f := range obj {
			for _, m := range fieldMessages(f.val) {
				if f.key == "base" || f.key == "" {
					msgs = append(msgs, m)
				} else {
					msgs = append(msgs, f.key+" "+m)
				}
			}
		}
		return msgs, ""
	case '"':
		if s, ok := jsonString(raw); ok && s != "" {
			return []string{s}, ""
		}
	}
	return nil, ""
}

// fieldMessages reads the value of one field in a Rails errors object: a
// string, or a list of strings (or of objects with a message).
func fieldMessages(raw json.RawMessage) []string {
	if s, ok := jsonString(raw); ok {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) != nil {
		return nil
	}
	var out []string
	for _, v := range arr {
		if s, ok := jsonString(v); ok && s != "" {
			out = append(out, s)
		} else if obj, ok := parseObject(bytes.TrimSpace(v)); ok {
			if m := obj.str(messageKeys...); m != "" {
				out = append(out, m)
			} else if m := obj.str("error"); m != "" {
				out = append(out, m)
			}
		}
	}
	return out
}

// listMessages reads a list of error strings or objects.
func listMessages(arr []json.RawMessage) (msgs []string, code string) {
	for _, v := range arr {
		if s, ok := jsonString(v); ok {
			if s != "" {
				msgs = append(msgs, s)
			}
			continue
		}
		obj, ok := parseObject(bytes.TrimSpace(v))
		if !ok {
			continue
		}
		m := obj.str(messageKeys...)
		if m == "" {
			m = obj.str("error")
		}
		if m == "" {
			continue
		}
		if f := obj.str(fieldKeys...); f != "" {
			m = f + ": " + m
		}
		msgs = append(msgs, m)
		if code == "" {
			code = obj.scalar(codeKeys...)
		}
	}
	return msgs, code
}

// joinMessages joins the first maxListed messages and counts the rest.
func joinMessages(msgs []string) string {
	if len(msgs) <= maxListed {
		return strings.Join(msgs, "; ")
	}
	return strings.Join(msgs[:maxListed], "; ") + " (and " + strconv.Itoa(len(msgs)-maxListed) + " more)"
}

// codeLike reports whether s looks like a machine-readable error code such
// as "invalid_grant" rather than a sentence or a status phrase.
func codeLike(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:", c) >= 0) {
			return false
		}
	}
	return true
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}
