// This file holds SubmitLogin, which signs a user in on an emulated login
// page without a browser.

package sandbox

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var (
	loginAction = regexp.MustCompile(`<form id="login" method="post" action="([^"]*)"`)
	loginHidden = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// SubmitLogin signs a user in on the login page of an emulated authorize
// endpoint, as a browser would: it GETs authorizeURL with hc, fills the
// page's form with username and password, and POSTs it with hc. hc's
// cookie jar and redirect policy apply: a client that follows redirects
// ends at the application's callback (and returns its answer), one that
// does not returns the 302 whose Location carries the code. The caller
// closes the response body.
func SubmitLogin(ctx context.Context, hc *http.Client, authorizeURL, username, password string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return nil, fmt.Errorf("sandbox: login page: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sandbox: login page: %w", err)
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("sandbox: login page: %w", err)
	}
	action := loginAction.FindSubmatch(page)
	if action == nil {
		return nil, fmt.Errorf("sandbox: no login form at %s (status %d)", resp.Request.URL.Redacted(), resp.StatusCode)
	}
	form := url.Values{"username": {username}, "password": {password}}
	for _, m := range loginHidden.FindAllSubmatch(page, -1) {
		form.Set(html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
	}
	target, err := resp.Request.URL.Parse(html.UnescapeString(string(action[1])))
	if err != nil {
		return nil, fmt.Errorf("sandbox: login form action: %w", err)
	}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("sandbox: login: %w", err)
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = hc.Do(post)
	if err != nil {
		return nil, fmt.Errorf("sandbox: login: %w", err)
	}
	return resp, nil
}
