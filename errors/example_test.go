package errors_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

func Example() {
	// A server answers a token request with an OAuth error.
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	rec.WriteHeader(http.StatusBadRequest)
	fmt.Fprint(rec, `{"error":"invalid_grant","error_description":"The refresh token was revoked"}`)
	resp := rec.Result()
	resp.Request = httptest.NewRequest(http.MethodPost, "https://id.example.com/oauth/token?client_id=abc", nil)
	defer resp.Body.Close()

	// What a generated client does with a non-2xx response.
	err := sdkerrors.Decode(sdkerrors.DecodeOAuth, "nexaasid", "Token", resp)

	fmt.Println(err)
	fmt.Println(errors.Is(err, sdkerrors.ErrBadRequest), errors.Is(err, sdkerrors.ErrUnauthorized))
	var oe *sdkerrors.OAuthError
	if errors.As(err, &oe) {
		fmt.Println(oe.Code)
	}
	// Output:
	// nexaasid Token: POST https://id.example.com/oauth/token: 400 Bad Request: invalid_grant: The refresh token was revoked
	// true false
	// invalid_grant
}
