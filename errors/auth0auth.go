package errors

import (
	stderrors "errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// ErrMFARequired matches an Auth0 Authentication API error whose code is
// "mfa_required": the user must pass a second factor. Reach the
// *Auth0AuthError with errors.As to continue with its MFAToken.
var ErrMFARequired = stderrors.New("multi-factor authentication required")

// Auth0AuthError is an error body of the Auth0 Authentication API (the
// endpoints a login page and an app call: /oauth/token, /dbconnections/*,
// /passwordless/*, /mfa/*, /userinfo). Auth0 answers in two shapes and
// both land here:
//
//	{"error": "invalid_grant", "error_description": "Wrong email or password."}
//	{"code": "invalid_password", "description": "...", "name": "PasswordStrengthError"}
//
// Reach it from an *APIError with errors.As. It unwraps to the same error
// as an *OAuthError. For Code "mfa_required" it matches ErrMFARequired and
// carries the MFA token, which no fmt verb, slog or encoding/json shows.
type Auth0AuthError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Code is "error" of the OAuth shape or "code" of Auth0's own shape,
	// such as "invalid_grant", "access_denied", "user_exists".
	Code string
	// Description is "error_description" or "description". Auth0 sometimes
	// sends an object as description (password policy failures); it is
	// then kept as its JSON text.
	Description string
	// Name is Auth0's error class name ("BadRequestError",
	// "PasswordStrengthError"), when sent.
	Name string
	// URI is "error_uri", when sent.
	URI string
	// MFAToken is the "mfa_token" of an "mfa_required" answer: it
	// authenticates the follow-up calls (/mfa/challenge, /mfa/associate,
	// the mfa-otp, mfa-oob and mfa-recovery-code grants). It is a
	// credential and is never printed.
	MFAToken string
}

// Error returns the code, status and description in one line.
func (e *Auth0AuthError) Error() string {
	return codedError("auth0 authentication error", e.Code, e.StatusCode, e.Description)
}

// GoString prints the fields cleaned as Error cleans them, never the MFA
// token.
func (e *Auth0AuthError) GoString() string {
	if e == nil {
		return "(*errors.Auth0AuthError)(nil)"
	}
	mfa := "<empty>"
	if e.MFAToken != "" {
		mfa = redact.Placeholder
	}
	return fmt.Sprintf("&errors.Auth0AuthError{StatusCode:%d, Code:%q, Description:%q, Name:%q, URI:%q, MFAToken:%s}",
		e.StatusCode, redact.Clip(e.Code, 100), redact.Clip(e.Description, maxMessage), redact.Clip(e.Name, 100),
		redact.Clip(redact.URL(e.URI), 512), mfa)
}

// Format prints Error for every verb and GoString for %#v, so the MFA
// token stays hidden whatever the verb, for a value or a pointer.
func (e Auth0AuthError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		redact.Format(f, 's', (&e).GoString())
		return
	}
	redact.Format(f, verb, (&e).Error())
}

// LogValue keeps the MFA token out of slog output.
func (e *Auth0AuthError) LogValue() slog.Value {
	if e == nil {
		return slog.StringValue("<nil>")
	}
	return redact.LogValue(e.Error())
}

// MarshalJSON writes Error, so encoding/json (and slog's JSON handler,
// for a nested error) never shows the MFA token either.
func (e Auth0AuthError) MarshalJSON() ([]byte, error) { return redact.JSON((&e).Error()) }

// Is reports whether target is a sentinel of e's status code, or
// ErrMFARequired for an "mfa_required" error.
func (e *Auth0AuthError) Is(target error) bool {
	if target == ErrMFARequired {
		return e.Code == "mfa_required"
	}
	for _, s := range Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// Unwrap returns the error as an *OAuthError, so code written for any
// OAuth server finds it.
func (e *Auth0AuthError) Unwrap() error {
	return &OAuthError{StatusCode: e.StatusCode, Code: e.Code, Description: e.Description, URI: e.URI}
}

// DecodeAuth0Auth decodes an error of the Auth0 Authentication API. The
// OAuth shape ({"error", "error_description", "error_uri"}) and Auth0's own
// ({"code", "description", "name"}; "error" may then be absent or hold
// the same code) both fill Code and Message and make Detail an
// *Auth0AuthError; an "mfa_required" error also carries the "mfa_token"
// (Auth0AuthError.MFAToken). Without either shape the Bearer challenge of a
// 401 (/userinfo) is tried, then DecodeGeneric. The status decides the
// sentinels (ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound,
// ErrRateLimited with the X-RateLimit-Reset time, ErrServer, ...). It
// returns e.
func DecodeAuth0Auth(e *APIError) error {
	if e == nil {
		return errNilAPIError
	}
	ae := auth0AuthFromBody(e)
	if ae == nil {
		if oe := oauthFromChallenge(e); oe != nil {
			ae = &Auth0AuthError{StatusCode: e.StatusCode, Code: oe.Code, Description: oe.Description, URI: oe.URI}
		}
	}
	if ae == nil {
		return DecodeGeneric(e)
	}
	e.Detail = ae
	e.Code = ae.Code
	e.Message = ae.Description
	if e.Message == "" {
		e.Message = ae.Name
	}
	return e
}

// auth0AuthFromBody reads either error shape from e's body, or nil.
func auth0AuthFromBody(e *APIError) *Auth0AuthError {
	obj, _, ok := parseBody(e.Body)
	if !ok || obj == nil {
		return nil
	}
	code := obj.str("error")
	desc := obj.str("error_description")
	if c := obj.str("code"); c != "" && (code == "" || desc == "") {
		// Auth0's own shape. With it, "error" (when present) is a
		// repeat of the code or a status phrase.
		code = c
	}
	if desc == "" {
		desc = auth0Description(obj)
	}
	if code == "" {
		return nil
	}
	ae := &Auth0AuthError{
		StatusCode:  e.StatusCode,
		Code:        code,
		Description: desc,
		Name:        obj.str("name"),
		URI:         obj.str("error_uri"),
	}
	if code == "mfa_required" {
		ae.MFAToken = obj.str("mfa_token")
	}
	return ae
}

// auth0Description returns "description" as text: a string as is, any
// other JSON value (Auth0 sends an object for password policy errors) as
// its compact JSON, bounded.
func auth0Description(obj object) string {
	raw, ok := obj.get("description")
	if !ok {
		return obj.str("message")
	}
	if s, ok := jsonString(raw); ok {
		return s
	}
	s := strings.TrimSpace(string(raw))
	if s == "null" {
		return ""
	}
	return redact.Clip(s, 4*maxMessage)
}
