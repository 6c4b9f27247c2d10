package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// MinSecretLen is the length under which a value is not scrubbed from text:
// so short a string cannot be told from ordinary words (and protects
// nothing as a secret: real secrets, codes and tokens are far longer).
const MinSecretLen = 8

// forms returns the spellings of each secret a server may echo: as sent,
// form- and path-encoded, and escaped inside a JSON string. Secrets shorter
// than MinSecretLen are left out; longer spellings come first, so a
// replacement never leaves part of a longer one behind.
func forms(secrets []string) []string {
	var out []string
	add := func(s string) {
		if len(s) >= MinSecretLen && !contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range secrets {
		if len(s) < MinSecretLen {
			continue
		}
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		if b, err := json.Marshal(s); err == nil {
			add(string(b[1 : len(b)-1]))
		}
	}
	// Longest first.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Basic returns the spellings of HTTP Basic credentials for id and secret
// (base64 of "id:secret", raw and form-encoded first as RFC 6749 2.3.1
// asks), to scrub a server's echo of the Authorization header.
func Basic(id, secret string) []string {
	if secret == "" {
		return nil
	}
	enc := base64.StdEncoding.EncodeToString
	return []string{
		enc([]byte(id + ":" + secret)),
		enc([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))),
	}
}

// Scrub replaces every known secret in text (in the spellings a server
// may echo it) with Placeholder.
func Scrub(text string, secrets ...string) string {
	return scrub(text, forms(secrets))
}

func scrub(text string, fs []string) string {
	for _, f := range fs {
		if strings.Contains(text, f) {
			text = strings.ReplaceAll(text, f, Placeholder)
		}
	}
	return text
}

// ScrubError removes every known secret from the text err and the errors it
// wraps repeat from a server. It walks the chain (errors.Unwrap, single and
// multiple) and rewrites, in every error that is a pointer to a struct, the
// exported fields that hold text: strings, byte slices, string slices and
// http.Header values, also inside nested struct values; not the fields
// that name the module's own grant, API, operation or method, nor an error
// code errors.Is decides on. Call it where the error is made, before
// anything wraps it with fmt.Errorf (whose text is fixed when it is made).
// It returns err.
func ScrubError(err error, secrets ...string) error {
	fs := forms(secrets)
	if err == nil || len(fs) == 0 {
		return err
	}
	seen := map[error]bool{}
	var walk func(e error)
	walk = func(e error) {
		if e == nil || !comparable(e) || seen[e] {
			return
		}
		seen[e] = true
		if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			scrubStruct(v.Elem(), fs)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		}
	}
	walk(err)
	return err
}

// comparable reports whether e can be a map key (an error whose dynamic
// type is, say, a slice cannot).
func comparable(e error) bool { return reflect.TypeOf(e).Comparable() }

var (
	headerType = reflect.TypeOf(http.Header{})
	bytesType  = reflect.TypeOf([]byte(nil))
)

// ownFields are the fields of this module's errors that hold what the
// module itself said (the grant asked for, the operation called), never
// server text; they are left alone.
var ownFields = map[string]bool{"Grant": true, "API": true, "Operation": true, "Method": true}

// codeFields hold an error code that errors.Is decides on: left alone when
// the value looks like a code (lower-case letters, digits, "_", "-", ".").
var codeFields = map[string]bool{"Code": true, "ErrorCode": true, "ResultCode": true}

func codeLike(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// scrubStruct rewrites the exported text fields of the addressable struct v.
func scrubStruct(v reflect.Value, fs []string) {
	t := v.Type()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name := t.Field(i).Name
		if !t.Field(i).IsExported() || !f.CanSet() || ownFields[name] ||
			codeFields[name] && f.Kind() == reflect.String && codeLike(f.String()) {
			continue
		}
		switch {
		case f.Kind() == reflect.String:
			if s := scrub(f.String(), fs); s != f.String() {
				f.SetString(s)
			}
		case f.Type() == bytesType || (f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Uint8):
			if b := f.Bytes(); b != nil {
				if s := scrub(string(b), fs); s != string(b) {
					f.SetBytes([]byte(s))
				}
			}
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			f.Set(scrubStrings(f, fs))
		case f.Type() == headerType || (f.Kind() == reflect.Map && f.Type().Key().Kind() == reflect.String &&
			f.Type().Elem().Kind() == reflect.Slice && f.Type().Elem().Elem().Kind() == reflect.String):
			if !f.IsNil() {
				f.Set(scrubHeader(f, fs))
			}
		case f.Kind() == reflect.Struct:
			scrubStruct(f, fs)
		}
	}
}

// scrubStrings returns a scrubbed copy of the string slice v (v itself when
// nothing changed, so shared slices are never written to).
func scrubStrings(v reflect.Value, fs []string) reflect.Value {
	var out reflect.Value
	for j := 0; j < v.Len(); j++ {
		s := v.Index(j).String()
		c := scrub(s, fs)
		if c == s {
			continue
		}
		if !out.IsValid() {
			out = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(out, v)
		}
		out.Index(j).SetString(c)
	}
	if out.IsValid() {
		return out
	}
	return v
}

// scrubHeader returns a scrubbed copy of a map of string slices (v itself
// when nothing changed).
func scrubHeader(v reflect.Value, fs []string) reflect.Value {
	out := reflect.MakeMapWithSize(v.Type(), v.Len())
	changed := false
	it := v.MapRange()
	for it.Next() {
		vals := scrubStrings(it.Value(), fs)
		if vals.Pointer() != it.Value().Pointer() {
			changed = true
		}
		out.SetMapIndex(it.Key(), vals)
	}
	if changed {
		return out
	}
	return v
}

// secretParams are the query or form parameter names whose values are
// credentials: hidden wherever text this module prints holds name=value,
// and scrubbed from a server's answer to a request that sent them.
var secretParams = []string{
	"access_token", "refresh_token", "id_token", "client_secret", "client_assertion",
	"assertion", "code", "code_verifier", "password", "token", "api_key", "apikey", "key",
	"device_code", "auth_req_id", "otp", "oob_code", "binding_code", "recovery_code",
	"mfa_token", "subject_token", "actor_token",
}

// IsSecretParam reports whether a query or form parameter of this name
// (lower case) carries a credential.
func IsSecretParam(name string) bool { return contains(secretParams, name) }

// FormSecrets returns the values of the credential parameters of a form,
// to scrub from the answer to the request that sent it.
func FormSecrets(form map[string][]string) []string {
	var out []string
	for k, vs := range form {
		if IsSecretParam(strings.ToLower(k)) {
			out = append(out, vs...)
		}
	}
	return out
}

// RequestSecrets returns the credentials a request carried, to scrub from
// the answer: the credential of its Authorization header (and for Basic
// the secret inside it), and the credential members of its body (a form,
// or the top level of a JSON object), read again through GetBody.
func RequestSecrets(req *http.Request) []string {
	if req == nil {
		return nil
	}
	var out []string
	for _, h := range req.Header.Values("Authorization") {
		out = append(out, AuthorizationSecrets(h)...)
	}
	if req.GetBody == nil {
		return out
	}
	body, err := req.GetBody()
	if err != nil {
		return out
	}
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, 1<<20))
	if err != nil {
		return out
	}
	var obj map[string]any
	if json.Unmarshal(b, &obj) == nil {
		for k, v := range obj {
			if s, ok := v.(string); ok && IsSecretParam(strings.ToLower(k)) {
				out = append(out, s)
			}
		}
		return out
	}
	if form, err := url.ParseQuery(string(b)); err == nil {
		out = append(out, FormSecrets(form)...)
	}
	return out
}

// AuthorizationSecrets returns the credentials in the value of an
// Authorization header: what follows the scheme and, for Basic, the secret
// inside it (as sent and form-decoded).
func AuthorizationSecrets(value string) []string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok {
		return nil
	}
	cred = strings.TrimSpace(cred)
	out := []string{cred}
	if strings.EqualFold(scheme, "Basic") {
		if b, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, secret, ok := strings.Cut(string(b), ":"); ok {
				out = append(out, secret)
				if s, err := url.QueryUnescape(secret); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// maxScrubBody is how much of an error answer's body ScrubResponse reads:
// more than any error of this module keeps.
const maxScrubBody = 1 << 20

// ScrubResponse removes the known secrets from an error answer (status 400
// or more) before anyone reads it: from the header values and from the
// first MiB of the body, the rest of which follows unread. Successful
// answers are left alone, at no cost.
func ScrubResponse(resp *http.Response, secrets ...string) {
	if resp == nil || resp.StatusCode < 400 {
		return
	}
	fs := forms(secrets)
	if len(fs) == 0 {
		return
	}
	cloned := false
	for k, vs := range resp.Header {
		for i, v := range vs {
			if c := scrub(v, fs); c != v {
				if !cloned {
					resp.Header, cloned = resp.Header.Clone(), true
				}
				resp.Header[k][i] = c
			}
		}
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		return
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxScrubBody))
	scrubbed := []byte(scrub(string(head), fs))
	var rest io.Reader = resp.Body
	if err != nil {
		rest = errReader{err}
	}
	resp.Body = scrubbedBody{Reader: io.MultiReader(bytes.NewReader(scrubbed), rest), Closer: resp.Body}
	if resp.ContentLength >= 0 && len(scrubbed) != len(head) {
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
	}
}

type scrubbedBody struct {
	io.Reader
	io.Closer
}

// errReader hands on the error that cut the read of a body short.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Holds reports whether the one error e (not the errors it wraps) shows a
// known secret, in a spelling Scrub replaces: in its text or in an
// exported text field, also inside nested structs and pointers to structs
// (a driver's error may keep its whole configuration, password included).
func Holds(e error, secrets ...string) bool {
	fs := forms(secrets)
	if e == nil || len(fs) == 0 {
		return false
	}
	if scrub(e.Error(), fs) != e.Error() {
		return true
	}
	return holdsValue(reflect.ValueOf(e), fs, 0)
}

// holdsValue looks for a secret in the exported text of v, at most four
// pointers or structs deep.
func holdsValue(v reflect.Value, fs []string, depth int) bool {
	if depth > 4 {
		return false
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && holdsValue(v.Elem(), fs, depth+1)
	case reflect.String:
		return scrub(v.String(), fs) != v.String()
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			for i := range v.Len() {
				if holdsValue(v.Index(i), fs, depth) {
					return true
				}
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && holdsValue(v.Field(i), fs, depth+1) {
				return true
			}
		}
	}
	return false
}
