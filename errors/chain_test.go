package errors_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/retry"
)

// maxDepth is how many errors.Unwrap steps a failure may sit below the
// error a call returns.
const maxDepth = 2

// sentinels are every sentinel a caller may test with errors.Is: the
// status sentinels and those of token and MFA failures.
var sentinels = func() map[string]error {
	m := map[string]error{
		"ErrInvalidCredentials": sdkerrors.ErrInvalidCredentials,
		"ErrInvalidGrant":       auth.ErrInvalidGrant,
		"ErrMFARequired":        sdkerrors.ErrMFARequired,
		"DeadlineExceeded":      context.DeadlineExceeded,
	}
	maps.Copy(m, allSentinels)
	return m
}()

// targets are the errors.As targets a caller may use, by name.
var targets = map[string]func() any{
	"*errors.APIError":       func() any { return new(*sdkerrors.APIError) },
	"*errors.OAuthError":     func() any { return new(*sdkerrors.OAuthError) },
	"*errors.NexaasError":    func() any { return new(*sdkerrors.NexaasError) },
	"*errors.RateLimitError": func() any { return new(*sdkerrors.RateLimitError) },
	"*errors.DecodeError":    func() any { return new(*sdkerrors.DecodeError) },
	"*errors.RequestError":   func() any { return new(*sdkerrors.RequestError) },
	"*auth.TokenError":       func() any { return new(*auth.TokenError) },
	"*url.Error":             func() any { return new(*url.Error) },
	"net.Error":              func() any { return new(net.Error) },
}

// TestFailureChains: for each kind of failure a generated client meets
// (the token endpoint refusing the client or failing, the API answering
// 404 or 429, an answer that does not decode, a timeout) the error the
// call returns matches exactly the sentinels and errors.As targets listed,
// and the failure sits at most maxDepth errors.Unwrap steps below it.
func TestFailureChains(t *testing.T) {
	cases := []struct {
		name    string
		token   func(w http.ResponseWriter)
		api     func(w http.ResponseWriter)
		timeout time.Duration
		is, as  []string
	}{
		{
			name:  "token endpoint 401 invalid_client",
			token: answer(401, "application/json", `{"error":"invalid_client","error_description":"unknown client"}`),
			is:    []string{"ErrInvalidCredentials", "ErrUnauthorized"},
			as:    []string{"*auth.TokenError", "*errors.OAuthError", "*errors.RequestError", "*url.Error", "net.Error"},
		},
		{
			name:  "token endpoint 503",
			token: answer(503, "text/html", `<html>maintenance</html>`),
			is:    []string{"ErrServer", "ErrUnavailable"},
			as:    []string{"*auth.TokenError", "*errors.APIError", "*errors.RequestError", "*url.Error", "net.Error"},
		},
		{
			name: "API 404",
			api:  answer(404, "application/json", `{"error":"not found"}`),
			is:   []string{"ErrNotFound"},
			as:   []string{"*errors.APIError", "*errors.NexaasError"},
		},
		{
			name: "API 429",
			api: func(w http.ResponseWriter) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(429)
			},
			is: []string{"ErrRateLimited"},
			as: []string{"*errors.APIError", "*errors.NexaasError", "*errors.RateLimitError"},
		},
		{
			name: "decode failure",
			api:  answer(200, "application/json", `{"id": `),
			as:   []string{"*errors.DecodeError"},
		},
		{
			name:    "timeout",
			api:     func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond) },
			timeout: 50 * time.Millisecond,
			is:      []string{"ErrTimeout", "DeadlineExceeded"},
			as:      []string{"*errors.RequestError", "*url.Error", "net.Error"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := callProfile(t, c.token, c.api, c.timeout)
			if err == nil {
				t.Fatal("no error")
			}
			var is, as []string
			for name, s := range sentinels {
				if errors.Is(err, s) {
					is = append(is, name)
				}
			}
			for name, mk := range targets {
				if errors.As(err, mk()) {
					as = append(as, name)
				}
			}
			for _, l := range [][]string{is, as, c.is, c.as} {
				slices.Sort(l)
			}
			if !slices.Equal(is, c.is) {
				t.Errorf("errors.Is matches %q, want %q (%v)", is, c.is, err)
			}
			if !slices.Equal(as, c.as) {
				t.Errorf("errors.As matches %q, want %q (%v)", as, c.as, err)
			}
			if d := depth(err); d > maxDepth {
				t.Errorf("the failure is %d errors.Unwrap steps deep, want at most %d: %s", d, maxDepth, chain(err))
			}
		})
	}
}

// answer writes status, a Content-Type and body.
func answer(status int, contentType, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// callProfile serves token and api (nil: a good answer) and returns the
// error of one Profile.Get through a client with client credentials.
func callProfile(t *testing.T, token, api func(http.ResponseWriter), timeout time.Duration) error {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/oauth/token" && token != nil:
			token(w)
		case r.URL.Path == "/oauth/token":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"at","token_type":"Bearer","expires_in":3600}`)
		case api != nil:
			api(w)
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"1"}`)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithRetry(retry.Off()),
		nexaasid.WithApplication(nexaas.Config{ClientID: "id", ClientSecret: "secret"}))
	if err != nil {
		t.Fatal(err)
	}
	var opts []nexaasid.Option
	if timeout > 0 {
		opts = append(opts, nexaasid.WithRequestTimeout(timeout))
	}
	_, err = c.Profile.Get(context.Background(), opts...)
	return err
}

// depth counts the errors.Unwrap steps from err to the end of its chain.
func depth(err error) int {
	n := 0
	for err = errors.Unwrap(err); err != nil; err = errors.Unwrap(err) {
		n++
	}
	return n
}

// chain names the types of err's errors.Unwrap chain.
func chain(err error) string {
	s := ""
	for ; err != nil; err = errors.Unwrap(err) {
		s += fmt.Sprintf("%v > ", reflect.TypeOf(err))
	}
	return s
}
