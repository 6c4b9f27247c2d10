package errors_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func TestRequestError(t *testing.T) {
	const secretURL = "https://bob:PW@id.nexaas.com/api/v1/profile?access_token=SECRET"
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name        string
		err         error
		want        string
		wantTimeout bool
	}{
		{
			name: "url.Error",
			err:  &url.Error{Op: "Get", URL: secretURL, Err: refused},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: dial tcp: connection refused",
		},
		{
			name: "wrapped url.Error",
			err:  fmt.Errorf("attempt 3: %w", &url.Error{Op: "Get", URL: secretURL, Err: refused}),
			want: `nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: attempt 3: Get "https://id.nexaas.com/api/v1/profile": dial tcp: connection refused`,
		},
		{
			name:        "deadline",
			err:         &url.Error{Op: "Get", URL: secretURL, Err: context.DeadlineExceeded},
			want:        "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: context deadline exceeded",
			wantTimeout: true,
		},
		{
			name:        "net timeout",
			err:         &url.Error{Op: "Get", URL: secretURL, Err: timeoutErr{}},
			want:        "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: i/o timeout",
			wantTimeout: true,
		},
		{
			name: "canceled",
			err:  fmt.Errorf("send: %w", context.Canceled),
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: send: context canceled",
		},
		{
			name: "nil",
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: request failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re := &sdkerrors.RequestError{API: "nexaasid", Operation: "GetProfile", Method: "GET", URL: secretURL, Err: tt.err}
			if got := re.Error(); got != tt.want {
				t.Errorf("Error():\n got %q\nwant %q", got, tt.want)
			}
			for _, s := range []string{fmt.Sprintf("%v", re), fmt.Sprintf("%+v", re), fmt.Sprintf("%#v", re)} {
				if strings.Contains(s, "SECRET") || strings.Contains(s, "PW") {
					t.Errorf("leak: %s", s)
				}
			}
			if got := errors.Is(re, sdkerrors.ErrTimeout); got != tt.wantTimeout {
				t.Errorf("errors.Is(ErrTimeout) = %t", got)
			}
			if tt.err != nil && !errors.Is(re, tt.err) {
				t.Error("Unwrap does not reach Err")
			}
		})
	}
}

func TestRequestErrorRealTransport(t *testing.T) {
	// A closed port on loopback: a real *url.Error from net/http.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no loopback:", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	u := "http://" + addr + "/x?access_token=SECRET"
	_, err = http.Get(u)
	if err == nil {
		t.Skip("port unexpectedly open")
	}
	re := &sdkerrors.RequestError{API: "a", Operation: "b", Method: "GET", URL: u, Err: err}
	if s := re.Error(); strings.Contains(s, "SECRET") || !strings.Contains(s, "http://"+addr+"/x:") {
		t.Errorf("Error() = %q", s)
	}
}

func TestDecodeError(t *testing.T) {
	body := []byte(`<html><head><title>Maintenance</title></head></html>`)
	var jsonErr error
	var v struct{}
	jsonErr = json.Unmarshal(body, &v)
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html"}}}
	de := sdkerrors.NewDecodeError("nexaasid", "GetProfile", resp, body, jsonErr)
	want := fmt.Sprintf(`nexaasid GetProfile: cannot decode 200 OK response (text/html body, %d bytes, title "Maintenance"): invalid character '<' looking for beginning of value`, len(body))
	if got := de.Error(); got != want {
		t.Errorf("Error():\n got %q\nwant %q", got, want)
	}
	var se *json.SyntaxError
	if !errors.As(de, &se) {
		t.Error("Unwrap does not reach the json error")
	}
	big := make([]byte, sdkerrors.MaxBodyBytes+10)
	de = sdkerrors.NewDecodeError("a", "b", nil, big, errors.New("x"))
	if len(de.Body) != sdkerrors.MaxBodyBytes {
		t.Errorf("Body not bounded: %d", len(de.Body))
	}
	token := &sdkerrors.DecodeError{API: "a", Operation: "Token", StatusCode: 200, ContentType: "application/json",
		Body: []byte(`{"access_token":"SECRET","expires_in":"soon"}`), Err: errors.New("json: cannot unmarshal string into Go struct field .expires_in of type int")}
	for _, s := range []string{token.Error(), fmt.Sprintf("%+v", token), fmt.Sprintf("%#v", token)} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("DecodeError prints its body: %s", s)
		}
	}
	want = fmt.Sprintf("a Token: cannot decode 200 OK response (application/json body, %d bytes): json: cannot unmarshal string into Go struct field .expires_in of type int", len(token.Body))
	if got := token.Error(); got != want {
		t.Errorf("Error():\n got %q\nwant %q", got, want)
	}
}
