package errors_test

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

const tokenURL = "https://tenant.example.auth0.com/oauth/token"

func decodeAuth0Auth(t *testing.T, status int, body string, kv ...string) (*sdkerrors.APIError, error) {
	t.Helper()
	e := sdkerrors.NewAPIError("auth0auth", "Token", response(t, status, tokenURL, body, kv...))
	return e, sdkerrors.DecodeAuth0Auth(e)
}

func TestDecodeAuth0AuthShapes(t *testing.T) {
	cases := []struct {
		name, body       string
		status           int
		code, desc, kind string
		sentinel         error
	}{
		{"oauth form", `{"error":"invalid_grant","error_description":"Wrong email or password."}`, 403, "invalid_grant", "Wrong email or password.", "", sdkerrors.ErrForbidden},
		{"auth0 form", `{"name":"BadRequestError","code":"user_exists","description":"The user already exists.","statusCode":400}`, 400, "user_exists", "The user already exists.", "BadRequestError", sdkerrors.ErrBadRequest},
		{"auth0 object description", `{"name":"PasswordStrengthError","code":"invalid_password","description":{"rules":[{"message":"At least 8"}]}}`, 400, "invalid_password", `{"rules":[{"message":"At least 8"}]}`, "PasswordStrengthError", sdkerrors.ErrBadRequest},
		{"unauthorized", `{"error":"access_denied","error_description":"Unauthorized"}`, 401, "access_denied", "Unauthorized", "", sdkerrors.ErrUnauthorized},
		{"not found", `{"error":"not_found","error_description":"no such authenticator"}`, 404, "not_found", "no such authenticator", "", sdkerrors.ErrNotFound},
		{"server", `{"error":"server_error","error_description":"boom"}`, 500, "server_error", "boom", "", sdkerrors.ErrServer},
		{"teapot", `{"code":"odd"}`, 418, "odd", "", "", nil},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			e, err := decodeAuth0Auth(t, tt.status, tt.body)
			if err != e {
				t.Fatalf("returned %v, want the *APIError", err)
			}
			var ae *sdkerrors.Auth0AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("no *Auth0AuthError in %v", err)
			}
			if ae.Code != tt.code || ae.Description != tt.desc || ae.Name != tt.kind || ae.StatusCode != tt.status {
				t.Errorf("got %#v", ae)
			}
			if e.Code != tt.code {
				t.Errorf("APIError.Code = %q", e.Code)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.sentinel)
			}
			var oe *sdkerrors.OAuthError
			if !errors.As(err, &oe) || oe.Code != tt.code {
				t.Errorf("OAuthError view: %#v", oe)
			}
			if errors.Is(err, sdkerrors.ErrMFARequired) {
				t.Error("matches ErrMFARequired")
			}
		})
	}
}

func TestDecodeAuth0AuthMFARequired(t *testing.T) {
	const secret = "Fe26.2**mfa-token-secret"
	_, err := decodeAuth0Auth(t, 403, `{"error":"mfa_required","error_description":"Multifactor authentication required","mfa_token":"`+secret+`"}`)
	if !errors.Is(err, sdkerrors.ErrMFARequired) || !errors.Is(err, sdkerrors.ErrForbidden) {
		t.Fatalf("sentinels: %v", err)
	}
	var mfa *sdkerrors.Auth0AuthError
	if !errors.As(err, &mfa) || mfa.MFAToken != secret {
		t.Fatalf("Auth0AuthError: %#v", mfa)
	}
	for _, s := range []string{fmt.Sprint(err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%v %s %#v", mfa, mfa, mfa)} {
		if strings.Contains(s, secret) {
			t.Errorf("token leaked: %s", s)
		}
	}
}

func TestDecodeAuth0AuthRateLimit(t *testing.T) {
	reset := time.Now().Add(30 * time.Second).Unix()
	_, err := decodeAuth0Auth(t, 429, `{"error":"too_many_requests","error_description":"Global limit has been reached"}`,
		"X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(reset, 10))
	if !errors.Is(err, sdkerrors.ErrRateLimited) {
		t.Fatalf("not rate limited: %v", err)
	}
	var rl *sdkerrors.RateLimitError
	if !errors.As(err, &rl) || rl.Reset.Round(time.Second).Unix() != reset {
		t.Fatalf("reset: %#v", rl)
	}
}

func TestDecodeAuth0AuthFallbacks(t *testing.T) {
	e, err := decodeAuth0Auth(t, 401, "", "WWW-Authenticate", `Bearer error="invalid_token", error_description="expired"`)
	var ae *sdkerrors.Auth0AuthError
	if !errors.As(err, &ae) || ae.Code != "invalid_token" || !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Fatalf("challenge: %v", err)
	}
	e, err = decodeAuth0Auth(t, 502, "<html><title>Bad gateway</title></html>", "Content-Type", "text/html")
	if errors.As(err, &ae) || !errors.Is(err, sdkerrors.ErrServer) || e.Error() == "" {
		t.Fatalf("html: %v", err)
	}
	if sdkerrors.DecodeAuth0Auth(nil) == nil {
		t.Fatal("nil APIError accepted")
	}
	_ = http.StatusOK
}
