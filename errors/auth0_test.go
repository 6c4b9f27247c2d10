package errors_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

const auth0UsersURL = "https://tenant.us.auth0.com/api/v2/users?q=email%3A%22a%40b.c%22"

func decodeAuth0(t *testing.T, status int, body string, kv ...string) (*sdkerrors.APIError, error) {
	t.Helper()
	e := sdkerrors.NewAPIError("auth0mgmt", "get_users", response(t, status, auth0UsersURL, body, kv...))
	return e, sdkerrors.DecodeAuth0(e)
}

func TestDecodeAuth0Bodies(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		body          string
		want          sdkerrors.Auth0Error
		code, message string
		sentinels     []error
	}{
		{"not found", 404, `{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`,
			sdkerrors.Auth0Error{StatusCode: 404, Err: "Not Found", Message: "The user does not exist.", ErrorCode: "inexistent_user"},
			"inexistent_user", "The user does not exist.", []error{sdkerrors.ErrNotFound}},
		{"bad request", 400, `{"statusCode":400,"error":"Bad Request","message":"Payload validation error: 'Missing required property: connection'.","errorCode":"invalid_body"}`,
			sdkerrors.Auth0Error{StatusCode: 400, Err: "Bad Request", Message: "Payload validation error: 'Missing required property: connection'.", ErrorCode: "invalid_body"},
			"invalid_body", "Payload validation error: 'Missing required property: connection'.", []error{sdkerrors.ErrBadRequest}},
		{"unauthorized", 401, `{"statusCode":401,"error":"Unauthorized","message":"Invalid token","attributes":{"error":"Invalid token"}}`,
			sdkerrors.Auth0Error{StatusCode: 401, Err: "Unauthorized", Message: "Invalid token"},
			"", "Invalid token", []error{sdkerrors.ErrUnauthorized}},
		{"forbidden", 403, `{"statusCode":403,"error":"Forbidden","message":"Insufficient scope, expected any of: read:users","errorCode":"insufficient_scope"}`,
			sdkerrors.Auth0Error{StatusCode: 403, Err: "Forbidden", Message: "Insufficient scope, expected any of: read:users", ErrorCode: "insufficient_scope"},
			"insufficient_scope", "Insufficient scope, expected any of: read:users", []error{sdkerrors.ErrForbidden}},
		{"conflict", 409, `{"statusCode":409,"error":"Conflict","message":"The user already exists.","errorCode":"auth0_idp_error"}`,
			sdkerrors.Auth0Error{StatusCode: 409, Err: "Conflict", Message: "The user already exists.", ErrorCode: "auth0_idp_error"},
			"auth0_idp_error", "The user already exists.", []error{sdkerrors.ErrConflict}},
		{"rate limited", 429, `{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`,
			sdkerrors.Auth0Error{StatusCode: 429, Err: "Too Many Requests", Message: "Global limit has been reached", ErrorCode: "too_many_requests"},
			"too_many_requests", "Global limit has been reached", []error{sdkerrors.ErrRateLimited}},
		{"server", 500, `{"statusCode":500,"error":"Internal Server Error","message":"An internal server error occurred"}`,
			sdkerrors.Auth0Error{StatusCode: 500, Err: "Internal Server Error", Message: "An internal server error occurred"},
			"", "An internal server error occurred", []error{sdkerrors.ErrServer}},
		{"unavailable", 503, `{"statusCode":503,"error":"Service Unavailable","message":"down"}`,
			sdkerrors.Auth0Error{StatusCode: 503, Err: "Service Unavailable", Message: "down"},
			"", "down", []error{sdkerrors.ErrUnavailable, sdkerrors.ErrServer}},
		{"cloudflare 522", 522, `<html><head><title>522 Connection timed out</title></head></html>`,
			sdkerrors.Auth0Error{StatusCode: 522}, "", "", []error{sdkerrors.ErrServer}},
		{"only error", 400, `{"error":"odd phrase"}`,
			sdkerrors.Auth0Error{StatusCode: 400, Err: "odd phrase"}, "", "odd phrase", []error{sdkerrors.ErrBadRequest}},
		{"numeric errorCode", 400, `{"statusCode":"400","message":"m","errorCode":42}`,
			sdkerrors.Auth0Error{StatusCode: 400, Message: "m", ErrorCode: "42"}, "42", "m", []error{sdkerrors.ErrBadRequest}},
		{"generic fallback", 400, `{"errors":["first","second"]}`,
			sdkerrors.Auth0Error{StatusCode: 400, Message: "first; second"}, "", "first; second", []error{sdkerrors.ErrBadRequest}},
		{"bad json", 500, `{"message":`, sdkerrors.Auth0Error{StatusCode: 500}, "", "", []error{sdkerrors.ErrServer}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := decodeAuth0(t, tt.status, tt.body, "Content-Type", "application/json; charset=utf-8")
			if err != e {
				t.Fatalf("DecodeAuth0 returned %v, want the *APIError", err)
			}
			var ae *sdkerrors.Auth0Error
			if !errors.As(err, &ae) {
				t.Fatalf("no *Auth0Error in %v", err)
			}
			if diff := cmp.Diff(tt.want, *ae); diff != "" {
				t.Errorf("detail (-want +got):\n%s", diff)
			}
			if e.Code != tt.code || e.Message != tt.message {
				t.Errorf("Code, Message = %q, %q; want %q, %q", e.Code, e.Message, tt.code, tt.message)
			}
			for _, s := range tt.sentinels {
				if !errors.Is(err, s) || !errors.Is(ae, s) {
					t.Errorf("%v does not match %v", err, s)
				}
			}
			for _, s := range []error{sdkerrors.ErrNotFound, sdkerrors.ErrConflict, sdkerrors.ErrForbidden} {
				if !contains(tt.sentinels, s) && errors.Is(ae, s) {
					t.Errorf("detail matches %v", s)
				}
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprint(tt.status)) || strings.Contains(msg, "a%40b") || strings.Contains(msg, "email") {
				t.Errorf("Error() = %q", msg)
			}
			if tt.code != "" && !strings.Contains(ae.Error(), tt.code) {
				t.Errorf("detail Error() = %q lacks the code", ae.Error())
			}
		})
	}
}

func contains(list []error, e error) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

func TestDecodeAuth0RateLimit(t *testing.T) {
	reset := time.Now().Add(90 * time.Second).Unix()
	e, err := decodeAuth0(t, 429,
		`{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`,
		"Content-Type", "application/json",
		"X-RateLimit-Limit", "50",
		"X-RateLimit-Remaining", "0",
		"X-RateLimit-Reset", fmt.Sprint(reset),
	)
	var rl *sdkerrors.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("no *RateLimitError in %v", err)
	}
	if rl != e.RateLimit || rl.StatusCode != 429 || rl.Limit != 50 || rl.Remaining != 0 || rl.Reset.Unix() < reset-1 || rl.Reset.Unix() > reset {
		t.Errorf("rate limit = %+v", rl)
	}
	if rl.RetryAfter <= 80*time.Second || rl.RetryAfter > 90*time.Second {
		t.Errorf("RetryAfter = %v, want about 90s from X-RateLimit-Reset", rl.RetryAfter)
	}
	// Retry-After wins over X-RateLimit-Reset.
	_, err = decodeAuth0(t, 429, `{}`, "Retry-After", "7", "X-RateLimit-Reset", fmt.Sprint(reset))
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Errorf("with Retry-After: %+v", rl)
	}
	if !errors.Is(err, sdkerrors.ErrRateLimited) {
		t.Error("429 does not match ErrRateLimited")
	}
}

func TestAuth0ErrorFormatting(t *testing.T) {
	ae := &sdkerrors.Auth0Error{StatusCode: 400, Err: "Bad Request", Message: "see https://x.example/cb?token=SECRET\n\x1b[31m", ErrorCode: "invalid\r\nbody"}
	for _, s := range []string{ae.Error(), fmt.Sprintf("%v", ae), fmt.Sprintf("%+v", ae), fmt.Sprintf("%#v", ae)} {
		if strings.Contains(s, "SECRET") || strings.ContainsAny(s, "\r\n\x1b") {
			t.Errorf("unsafe output %q", s)
		}
	}
	if got := (*sdkerrors.Auth0Error)(nil).GoString(); got != "(*errors.Auth0Error)(nil)" {
		t.Errorf("nil GoString = %q", got)
	}
	if got := (&sdkerrors.Auth0Error{StatusCode: 404, Err: "Not Found"}).Error(); got != "auth0 management error (404 Not Found): Not Found" {
		t.Errorf("Error() = %q", got)
	}
	if sdkerrors.DecodeAuth0(nil) == nil {
		t.Error("DecodeAuth0(nil) = nil")
	}
}
