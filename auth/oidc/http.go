package oidc

// http.go holds the one request path of the package's non-token calls:
// send, read a capped body, turn a failure into a typed error.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// api names this package in the errors of package errors.
const api = "oidc"

// errTooLarge is the cause of a DecodeError for a body over MaxResponseBytes.
var errTooLarge = fmt.Errorf("oidc: response body is larger than %d bytes", MaxResponseBytes)

// send makes req with hc (nil: http.DefaultClient). A transport failure is
// an *errors.RequestError; a non-2xx answer an *errors.APIError decoded as
// an OAuth error (body, or the Bearer challenge of WWW-Authenticate). On
// success it returns the response with its body read (at most
// MaxResponseBytes) and closed.
func send(hc *http.Client, req *http.Request, op string) (*http.Response, []byte, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, &sdkerrors.RequestError{API: api, Operation: op, Method: req.Method, URL: req.URL.String(), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		// The answer may echo what the request authenticated with.
		err := redact.ScrubError(sdkerrors.Decode(sdkerrors.DecodeOAuth, api, op, resp), redact.RequestSecrets(req)...)
		redact.Drain(resp.Body)
		return nil, nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, nil, &sdkerrors.RequestError{API: api, Operation: op, Method: req.Method, URL: req.URL.String(), Err: err}
	}
	if len(body) > MaxResponseBytes {
		return nil, nil, sdkerrors.NewDecodeError(api, op, resp, body, errTooLarge)
	}
	return resp, body, nil
}

// doJSON sends req and decodes a 2xx JSON object into v. A body that is
// not a JSON object (an HTML page, bad JSON, a signed JWT) is an
// *errors.DecodeError. It returns the body for callers that keep it raw.
func doJSON(hc *http.Client, req *http.Request, op string, v any) ([]byte, error) {
	req.Header.Set("Accept", "application/json")
	resp, body, err := send(hc, req, op)
	if err != nil {
		return nil, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/jwt" {
		return nil, sdkerrors.NewDecodeError(api, op, resp, body, errors.New("oidc: signed or encrypted responses (application/jwt) are not supported"))
	}
	trimmed := strings.TrimSpace(string(body))
	if !strings.HasPrefix(trimmed, "{") {
		return nil, sdkerrors.NewDecodeError(api, op, resp, body, errors.New("oidc: response is not a JSON object"))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, sdkerrors.NewDecodeError(api, op, resp, body, err)
	}
	return body, nil
}

// formRequest builds a form POST of form to endpoint, authenticated as
// the client.
func (p *Provider) formRequest(ctx context.Context, endpoint string, form url.Values) (*http.Request, error) {
	h := http.Header{}
	if err := p.client.Authenticate(h, form); err != nil {
		return nil, fmt.Errorf("oidc: client authentication: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}
