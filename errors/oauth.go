package errors

import (
	stderrors "errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// ErrInvalidCredentials matches an error that says a token endpoint refused
// the client's own credentials (see InvalidClient). Such an error also
// matches ErrUnauthorized. auth.ErrInvalidCredentials is this same value.
var ErrInvalidCredentials = stderrors.New("auth: client credentials were refused")

// InvalidClient reports whether a token endpoint's OAuth error says the
// client's own credentials were refused, as each server says it:
//
//   - "invalid_client" (RFC 6749 section 5.2; node-oidc-provider, Hydra,
//     and Zaikio and Nexaas ID, which answer it with 401);
//   - "unauthorized_client": the client may not use this grant (Auth0
//     answers it with 403 for a grant the application does not allow);
//   - "access_denied" with status 401: Auth0's answer to a wrong client
//     secret (its other access_denied answers, a user refusing a device
//     or MFA request, come with 400 or 403 and do not match).
//
// A 401 without any code is left to the caller, who knows whether the
// answer came from a token endpoint.
func InvalidClient(status int, code string) bool {
	switch code {
	case "invalid_client", "unauthorized_client":
		return true
	case "access_denied":
		return status == http.StatusUnauthorized
	}
	return false
}

// OAuthError is an OAuth 2.0 error response: the JSON body of RFC 6749
// section 5.2, or the error attributes of an RFC 6750 Bearer
// WWW-Authenticate challenge. Reach it from an *APIError with errors.As.
type OAuthError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int `json:"-"`
	// Code is the error code, such as "invalid_grant" or "invalid_token".
	Code string `json:"error"`
	// Description is the server's human-readable explanation, if any.
	Description string `json:"error_description,omitempty"`
	// URI points to a page about the error, if the server sent one.
	URI string `json:"error_uri,omitempty"`
}

// Error returns the code and description in one line.
func (e *OAuthError) Error() string {
	return codedError("oauth2 error", e.Code, e.StatusCode, e.Description)
}

// codedError formats "<kind> <code> (<status>): <description>", leaving out
// what is empty, with server text cleaned.
func codedError(kind, code string, status int, description string) string {
	var b strings.Builder
	b.WriteString(kind)
	if c := redact.Clip(code, 100); c != "" {
		b.WriteString(" ")
		b.WriteString(c)
	}
	if status != 0 {
		b.WriteString(" (")
		b.WriteString(statusText(status))
		b.WriteString(")")
	}
	if d := redact.Clip(description, maxMessage); d != "" {
		b.WriteString(": ")
		b.WriteString(d)
	}
	return b.String()
}

// GoString returns e with its text fields cleaned the way Error() cleans
// them, so %#v cannot print a URL's query string a server echoed.
func (e *OAuthError) GoString() string {
	if e == nil {
		return "(*errors.OAuthError)(nil)"
	}
	return fmt.Sprintf("&errors.OAuthError{StatusCode:%d, Code:%q, Description:%q, URI:%q}",
		e.StatusCode, redact.Clip(e.Code, 100), redact.Clip(e.Description, maxMessage), redact.Clip(redact.URL(e.URI), 512))
}

// Is reports whether target is one of the sentinels of e's status code (see
// Sentinels), or ErrInvalidCredentials and ErrUnauthorized when the error
// says the client's credentials were refused (see InvalidClient).
func (e *OAuthError) Is(target error) bool {
	if (target == ErrInvalidCredentials || target == ErrUnauthorized) && InvalidClient(e.StatusCode, e.Code) {
		return true
	}
	for _, s := range Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// DecodeOAuth decodes an OAuth 2.0 error. It reads the RFC 6749 section 5.2
// body ({"error": ..., "error_description": ..., "error_uri": ...}) and, when
// the body has no error, the RFC 6750 Bearer challenge in WWW-Authenticate.
// When either is found, Detail becomes an *OAuthError and Code and Message
// take its code and description. Otherwise it falls back to DecodeGeneric.
// It returns e.
func DecodeOAuth(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	oe := oauthFromBody(e, false)
	if oe == nil {
		oe = oauthFromChallenge(e)
	}
	if oe == nil {
		return DecodeGeneric(e)
	}
	e.Detail = oe
	e.Code = oe.Code
	e.Message = oe.Description
	return e
}

// oauthFromBody returns the OAuth error in e's body, or nil. With strict set
// (used for servers that may also send non-OAuth bodies with an "error"
// member) the error must look like an OAuth code or come with a description.
func oauthFromBody(e *APIError, strict bool) *OAuthError {
	obj, _, ok := parseBody(e.Body)
	if !ok || obj == nil {
		return nil
	}
	code := obj.str("error")
	if code == "" {
		return nil
	}
	desc := obj.str("error_description")
	if strict && desc == "" && !codeLike(code) {
		return nil
	}
	return &OAuthError{
		StatusCode:  e.StatusCode,
		Code:        code,
		Description: desc,
		URI:         obj.str("error_uri"),
	}
}

// oauthFromChallenge returns the error of a Bearer challenge in the
// WWW-Authenticate headers of e, or nil.
func oauthFromChallenge(e *APIError) *OAuthError {
	for _, c := range parseChallenges(e.Header.Values("Www-Authenticate")) {
		if !strings.EqualFold(c.scheme, "Bearer") {
			continue
		}
		if code := c.params["error"]; code != "" {
			return &OAuthError{
				StatusCode:  e.StatusCode,
				Code:        code,
				Description: c.params["error_description"],
				URI:         c.params["error_uri"],
			}
		}
	}
	return nil
}

// challenge is one authentication challenge of a WWW-Authenticate header.
type challenge struct {
	scheme string
	params map[string]string // names lower-cased
}

// maxChallengeParams bounds the parameters kept per challenge.
const maxChallengeParams = 32

// parseChallenges reads the challenges of WWW-Authenticate header values
// (RFC 9110 section 11.6.1): a scheme followed by comma-separated
// name=value parameters, values being tokens or quoted strings. It is
// lenient: anything it cannot read is skipped.
func parseChallenges(values []string) []challenge {
	var out []challenge
	for _, s := range values {
		cur := -1 // index in out of the challenge being filled
		for i := 0; i < len(s); {
			c := s[i]
			if c == ' ' || c == '\t' || c == ',' {
				i++
				continue
			}
			start := i
			for i < len(s) && !strings.ContainsRune(" \t,=\"", rune(s[i])) {
				i++
			}
			if i == start {
				i++ // a stray '=' or '"': skip it
				continue
			}
			name := s[start:i]
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == '=' {
				// name=value, or the padding of a token68.
				j++
				for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
					j++
				}
				var value string
				value, i = readParamValue(s, j)
				if cur >= 0 && len(out[cur].params) < maxChallengeParams {
					out[cur].params[strings.ToLower(name)] = value
				}
				continue
			}
			out = append(out, challenge{scheme: name, params: map[string]string{}})
			cur = len(out) - 1
		}
	}
	return out
}

// readParamValue reads a token or quoted string starting at s[i] and
// returns it with the index just after it.
func readParamValue(s string, i int) (string, int) {
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		i++
		for i < len(s) {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s):
				b.WriteByte(s[i+1])
				i += 2
			case c == '"':
				return b.String(), i + 1
			default:
				b.WriteByte(c)
				i++
			}
		}
		return b.String(), i // unterminated: take the rest
	}
	start := i
	for i < len(s) && s[i] != ',' && s[i] != ' ' && s[i] != '\t' {
		i++
	}
	return s[start:i], i
}
