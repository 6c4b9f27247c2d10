package errors_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// FuzzDecodeAuth0Auth feeds arbitrary bodies to DecodeAuth0Auth: it must
// never panic, always return an error naming the status on one line, and
// never print an mfa_token.
func FuzzDecodeAuth0Auth(f *testing.F) {
	for _, s := range []string{
		`{"error":"invalid_grant","error_description":"Wrong email or password."}`,
		`{"name":"BadRequestError","code":"user_exists","description":"The user already exists.","statusCode":400}`,
		`{"code":"invalid_password","description":{"rules":[1,2,{"x":null}]}}`,
		`{"error":"mfa_required","mfa_token":"TOKEN"}`,
		`{"error":"authorization_pending"}`,
		`{"code":7,"description":null,"error":{"x":1}}`,
		`[]`, `null`, `"x"`, `<html></html>`, "",
	} {
		f.Add(400, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		resp := &http.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {string(body)}, "X-Ratelimit-Reset": {string(body)}},
			Body:       readCloser{bytes.NewReader(body)},
			Request:    &http.Request{Method: "POST", URL: mustURL("https://t.auth0.com/oauth/token?code=SECRET")},
		}
		e := sdkerrors.NewAPIError("auth0auth", "Token", resp)
		err := sdkerrors.DecodeAuth0Auth(e)
		if err == nil {
			t.Fatal("nil error")
		}
		msg := err.Error()
		if !strings.Contains(msg, fmt.Sprint(status)) || strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "SECRET") {
			t.Fatalf("Error() = %q", msg)
		}
		var mfa *sdkerrors.Auth0AuthError
		if errors.As(err, &mfa) && mfa.MFAToken != "" {
			// The output must not depend on the token: the same error
			// with another token of the same length prints the same.
			render := func(e *sdkerrors.Auth0AuthError) string {
				return fmt.Sprintf("%v|%s|%+v|%#v|%d", e, e, e, e, *e)
			}
			other := *mfa
			other.MFAToken = strings.Repeat("\x00", len(mfa.MFAToken))
			if out := render(mfa); out != render(&other) {
				t.Fatalf("mfa token printed: %s", out)
			}
		}
	})
}
