package errors_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

var decoders = []struct {
	name string
	fn   sdkerrors.Decoder
}{
	{"DecodeGeneric", sdkerrors.DecodeGeneric},
	{"DecodeOAuth", sdkerrors.DecodeOAuth},
	{"DecodeNexaas", sdkerrors.DecodeNexaas},
}

// decoded is what a decoder is expected to fill in.
type decoded struct {
	Code, Message string
	Detail        error
}

type decoderCase struct {
	name   string
	status int
	body   string
	kv     []string
	want   decoded
}

func runDecoderCases(t *testing.T, d sdkerrors.Decoder, cases []decoderCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			status := tt.status
			if status == 0 {
				status = 400
			}
			resp := response(t, status, profileURL, tt.body, tt.kv...)
			e := sdkerrors.NewAPIError("api", "Op", resp)
			err := d(e)
			if err != e {
				t.Fatalf("decoder returned %v, want the *APIError it was given", err)
			}
			got := decoded{Code: e.Code, Message: e.Message, Detail: e.Detail}
			want := tt.want
			// Fill in what every NexaasError carries, to keep the table short.
			if ne, ok := want.Detail.(*sdkerrors.NexaasError); ok {
				ne.StatusCode, ne.Header, ne.Body = status, resp.Header, e.Body
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if e.Error() == "" {
				t.Error("empty Error()")
			}
		})
	}
}

func TestDecodeGeneric(t *testing.T) {
	runDecoderCases(t, sdkerrors.DecodeGeneric, []decoderCase{
		{name: "oauth", body: `{"error":"invalid_request","error_description":"missing grant_type"}`,
			want: decoded{Code: "invalid_request", Message: "missing grant_type"}},
		{name: "message and code", body: `{"message":"user is locked","code":"user_locked"}`,
			want: decoded{Code: "user_locked", Message: "user is locked"}},
		{name: "numeric code", body: `{"message":"quota","code":1042}`,
			want: decoded{Code: "1042", Message: "quota"}},
		{name: "nested error", body: `{"error":{"message":"Invalid value","code":"bad_value","status":400}}`,
			want: decoded{Code: "bad_value", Message: "Invalid value"}},
		{name: "errors strings", body: `{"errors":["name is missing","age is negative"]}`,
			want: decoded{Message: "name is missing; age is negative"}},
		{name: "errors objects", body: `{"errors":[{"field":"email","message":"is invalid","code":"invalid"},{"detail":"too old"}]}`,
			want: decoded{Code: "invalid", Message: "email: is invalid; too old"}},
		{name: "rails errors map", status: 422,
			body: `{"errors":{"email":["has already been taken","is invalid"],"base":["account is frozen"],"name":"can't be blank","age":["must be positive"]}}`,
			want: decoded{Message: "email has already been taken; email is invalid; account is frozen (and 2 more)"}},
		{name: "errors single string", body: `{"errors":"everything broke"}`,
			want: decoded{Message: "everything broke"}},
		{name: "problem details", status: 403,
			body: `{"type":"https://example.com/probs/out-of-credit","title":"You do not have enough credit.","detail":"Your balance is 30, but that costs 50."}`,
			kv:   []string{"Content-Type", "application/problem+json"},
			want: decoded{Message: "Your balance is 30, but that costs 50."}},
		{name: "auth0", status: 404,
			body: `{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`,
			want: decoded{Code: "inexistent_user", Message: "The user does not exist."}},
		{name: "auth0 without errorCode",
			body: `{"statusCode":400,"error":"Bad Request","message":"Payload validation error"}`,
			want: decoded{Message: "Payload validation error"}},
		{name: "authlete",
			body: `{"resultCode":"A001201","resultMessage":"[A001201] /auth/authorization, TLS must be used."}`,
			want: decoded{Code: "A001201", Message: "[A001201] /auth/authorization, TLS must be used."}},
		{name: "rails status error", status: 404, body: `{"status":404,"error":"Not Found"}`,
			want: decoded{Message: "Not Found"}},
		{name: "lone code", body: `{"error":"invalid_client"}`,
			want: decoded{Code: "invalid_client"}},
		{name: "top-level array", body: `[{"message":"a"},"b"]`,
			want: decoded{Message: "a; b"}},
		{name: "byte order mark", body: "\ufeff{\"message\":\"bom\"}",
			want: decoded{Message: "bom"}},
		{name: "plain text", body: "Bad things\n", kv: []string{"Content-Type", "text/plain; charset=utf-8"},
			want: decoded{Message: "Bad things"}},
		{name: "json scalar", body: `42`},
		{name: "json null", body: `null`},
		{name: "json string", body: `"just a string"`},
		{name: "wrong types", body: `{"message":12,"code":{"a":1},"errors":7,"error":[1]}`},
		{name: "html", status: 502, body: `<html><title>Bad</title></html>`, kv: []string{"Content-Type", "text/html"}},
		{name: "bad json", body: `{"message":"unterminated`},
		{name: "empty", status: 500},
	})
}

func TestDecodeOAuth(t *testing.T) {
	runDecoderCases(t, sdkerrors.DecodeOAuth, []decoderCase{
		{name: "rfc 6749 body",
			body: `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid","error_uri":"https://docs.example.com/errors#invalid_grant"}`,
			want: decoded{Code: "invalid_grant", Message: "The provided authorization grant is invalid",
				Detail: &sdkerrors.OAuthError{StatusCode: 400, Code: "invalid_grant", Description: "The provided authorization grant is invalid", URI: "https://docs.example.com/errors#invalid_grant"}}},
		{name: "code only", status: 401, body: `{"error":"invalid_client"}`,
			want: decoded{Code: "invalid_client", Detail: &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_client"}}},
		{name: "rfc 6750 header", status: 401,
			kv: []string{"WWW-Authenticate", `Bearer realm="example", error="invalid_token", error_description="The access token expired"`},
			want: decoded{Code: "invalid_token", Message: "The access token expired",
				Detail: &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_token", Description: "The access token expired"}}},
		{name: "several challenges", status: 403,
			kv: []string{"WWW-Authenticate", `Basic realm="x", Bearer realm="y",error=insufficient_scope, error_description="needs \"admin\" scope", scope="admin"`},
			want: decoded{Code: "insufficient_scope", Message: `needs "admin" scope`,
				Detail: &sdkerrors.OAuthError{StatusCode: 403, Code: "insufficient_scope", Description: `needs "admin" scope`}}},
		{name: "several header lines", status: 401,
			kv:   []string{"WWW-Authenticate", `Negotiate`, "WWW-Authenticate", `bearer error="invalid_token"`},
			want: decoded{Code: "invalid_token", Detail: &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_token"}}},
		{name: "body wins over header", status: 401, body: `{"error":"invalid_token","error_description":"revoked"}`,
			kv:   []string{"WWW-Authenticate", `Bearer error="invalid_request"`},
			want: decoded{Code: "invalid_token", Message: "revoked", Detail: &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_token", Description: "revoked"}}},
		{name: "challenge without error", status: 401, body: `{"message":"login required"}`,
			kv:   []string{"WWW-Authenticate", `Bearer realm="example"`},
			want: decoded{Message: "login required"}},
		{name: "error object falls back", body: `{"error":{"message":"nested","code":"n"}}`,
			want: decoded{Code: "n", Message: "nested"}},
		{name: "garbage header", status: 401, kv: []string{"WWW-Authenticate", `=,"" Bearer error="unterminated`},
			want: decoded{Code: "unterminated", Detail: &sdkerrors.OAuthError{StatusCode: 401, Code: "unterminated"}}},
		{name: "html", status: 500, body: `<html>oops</html>`},
	})
}

func TestDecodeNexaas(t *testing.T) {
	runDecoderCases(t, sdkerrors.DecodeNexaas, []decoderCase{
		{name: "doorkeeper body", status: 401,
			body: `{"error":"invalid_token","error_description":"The access token is invalid"}`,
			want: decoded{Code: "invalid_token", Message: "The access token is invalid",
				Detail: &sdkerrors.NexaasError{OAuth: &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_token", Description: "The access token is invalid"}}}},
		{name: "doorkeeper header", status: 401,
			kv: []string{"WWW-Authenticate", `Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token expired"`},
			want: decoded{Code: "invalid_token", Message: "The access token expired",
				Detail: &sdkerrors.NexaasError{OAuth: &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_token", Description: "The access token expired"}}}},
		{name: "header ignored on 404", status: 404,
			kv:   []string{"WWW-Authenticate", `Bearer error="invalid_token"`},
			want: decoded{Detail: &sdkerrors.NexaasError{}}},
		{name: "rails validation", status: 422,
			body: `{"errors":{"email":["has already been taken"],"name":["can't be blank"]}}`,
			want: decoded{Message: "email has already been taken; name can't be blank", Detail: &sdkerrors.NexaasError{}}},
		{name: "rails not found", status: 404, body: `{"status":404,"error":"Not Found"}`,
			want: decoded{Message: "Not Found", Detail: &sdkerrors.NexaasError{}}},
		{name: "html", status: 500, body: `<!DOCTYPE html><html><title>We're sorry, but something went wrong (500)</title></html>`,
			kv:   []string{"Content-Type", "text/html"},
			want: decoded{Detail: &sdkerrors.NexaasError{}}},
		{name: "empty", status: 503, want: decoded{Detail: &sdkerrors.NexaasError{}}},
	})
}

func TestOAuthErrorIs(t *testing.T) {
	oe := &sdkerrors.OAuthError{StatusCode: 401, Code: "invalid_token"}
	if !errors.Is(oe, sdkerrors.ErrUnauthorized) || errors.Is(oe, sdkerrors.ErrForbidden) {
		t.Error("OAuthError.Is does not follow its status")
	}
	want := "oauth2 error invalid_token (401 Unauthorized): gone"
	oe.Description = "gone"
	if got := oe.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestNexaasErrorChain(t *testing.T) {
	resp := response(t, 401, profileURL, `{"error":"invalid_token","error_description":"revoked"}`)
	err := sdkerrors.Decode(sdkerrors.DecodeNexaas, "nexaasid", "GetProfile", resp)
	var ne *sdkerrors.NexaasError
	if !errors.As(err, &ne) {
		t.Fatal("no NexaasError")
	}
	var oe *sdkerrors.OAuthError
	if !errors.As(err, &oe) || oe != ne.OAuth {
		t.Fatal("OAuthError not reachable through NexaasError")
	}
	if got, want := ne.Error(), "nexaas id error (401 Unauthorized): invalid_token: revoked"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	plain := &sdkerrors.NexaasError{StatusCode: 500, Body: []byte("abc"), Header: http.Header{"Set-Cookie": {"s=SECRET"}}}
	if plain.Unwrap() != nil {
		t.Error("Unwrap without OAuth is not nil")
	}
	if got, want := plain.Error(), "nexaas id error (500 Internal Server Error): 3 bytes body"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := plain.GoString(), "&errors.NexaasError{StatusCode:500, Header:<1 keys>, Body:<3 bytes>, OAuth:nil}"; got != want {
		t.Errorf("GoString() = %q, want %q", got, want)
	}
}
