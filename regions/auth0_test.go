package regions_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/regions"
)

func TestAuth0Domain(t *testing.T) {
	ok := map[string]string{
		"tenant.us.auth0.com":    "https://tenant.us.auth0.com/api/v2",
		"Tenant.EU.Auth0.com":    "https://tenant.eu.auth0.com/api/v2",
		"  tenant.auth0.com  ":   "https://tenant.auth0.com/api/v2",
		"tenant.auth0.com.":      "https://tenant.auth0.com/api/v2",
		"login.example.com":      "https://login.example.com/api/v2",
		"my-tenant.jp.auth0.com": "https://my-tenant.jp.auth0.com/api/v2",
		"tenant.auth0.com:8443":  "https://tenant.auth0.com:8443/api/v2",
		"127.0.0.1:4010":         "http://127.0.0.1:4010/api/v2",
		"localhost:8080":         "http://localhost:8080/api/v2",
		"[::1]:9000":             "http://[::1]:9000/api/v2",
		"10.1.2.3":               "https://10.1.2.3/api/v2",
	}
	for in, want := range ok {
		got, err := regions.Auth0Domain(in)
		if err != nil || got != want {
			t.Errorf("Auth0Domain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                  "empty",
		"https://tenant.us.auth0.com":       "scheme",
		"tenant.us.auth0.com/api/v2":        "path",
		"tenant.us.auth0.com?x=1":           "path",
		"user:pw@tenant.auth0.com":          "credentials",
		"tenant":                            "full domain",
		"tenant..auth0.com":                 "label",
		"-tenant.auth0.com":                 "hyphen",
		"ten_ant.auth0.com":                 "character",
		"tenant.auth0.com:0":                "port",
		"tenant.auth0.com:http":             "port",
		"tenant.auth0.com:99999":            "port",
		strings.Repeat("a", 64) + ".x.com":  "label",
		strings.Repeat("a.", 130) + "com":   "253",
		"tën.auth0.com":                     "character",
		"tenant.auth0.com\r\nX-Evil: 1":     "character",
		"tenant.auth0.com:443:443":          "character",
		"[::1":                              "character",
		"exa mple.com":                      "character",
		"tenant.us.auth0.com#frag":          "path",
		"TENANT.US.AUTH0.COM/\u202e":        "path",
		strings.Repeat("x", 500) + "://a.b": "scheme",
	}
	for in, reason := range bad {
		got, err := regions.Auth0Domain(in)
		if err == nil {
			t.Errorf("Auth0Domain(%q) = %q, want an error (%s)", in, got, reason)
			continue
		}
		if !errors.Is(err, regions.ErrInvalidAuth0Domain) {
			t.Errorf("Auth0Domain(%q): %v does not match ErrInvalidAuth0Domain", in, err)
		}
		if len(in) > 100 && strings.Contains(err.Error(), in[:101]) {
			t.Errorf("Auth0Domain(%q): %v is not bounded", in, err)
		}
		if !strings.Contains(err.Error(), reason) {
			t.Errorf("Auth0Domain(%q): %q does not say %q", in, err, reason)
		}
	}
}

func TestAuth0OriginAndHost(t *testing.T) {
	if got, err := regions.Auth0Origin("Tenant.us.auth0.com"); err != nil || got != "https://tenant.us.auth0.com" {
		t.Errorf("Auth0Origin = %q, %v", got, err)
	}
	if got, err := regions.Auth0Host("[::1]"); err != nil || got != "[::1]" {
		t.Errorf("Auth0Host([::1]) = %q, %v", got, err)
	}
	if got, err := regions.Auth0Origin("[::1]"); err != nil || got != "http://[::1]" {
		t.Errorf("Auth0Origin([::1]) = %q, %v", got, err)
	}
}

func TestAuth0TenantAndCustomDomains(t *testing.T) {
	for d, want := range map[string]bool{
		"tenant.us.auth0.com": true,
		"tenant.auth0.com":    true,
		"x.auth0app.com":      true,
		"login.example.com":   false,
		"auth0.com.evil.com":  false,
		"notauth0.com":        false,
		"https://a.auth0.com": false,
	} {
		if got := regions.IsAuth0TenantDomain(d); got != want {
			t.Errorf("IsAuth0TenantDomain(%q) = %t", d, got)
		}
	}
	if got, err := regions.Auth0CustomDomain("Login.Example.com"); err != nil || got != "login.example.com" {
		t.Errorf("Auth0CustomDomain = %q, %v", got, err)
	}
	for _, d := range []string{"tenant.us.auth0.com", "127.0.0.1", "localhost", "login.example.com:443", "https://login.example.com", "10.0.0.1"} {
		if got, err := regions.Auth0CustomDomain(d); err == nil || !errors.Is(err, regions.ErrInvalidAuth0Domain) {
			t.Errorf("Auth0CustomDomain(%q) = %q, %v; want an error", d, got, err)
		}
	}
	if regions.Auth0Unset.URL != "" || regions.Auth0Unset.API != "auth0mgmt" {
		t.Errorf("Auth0Unset = %v", regions.Auth0Unset)
	}
	if regions.Auth0CustomDomainHeader != "Auth0-Custom-Domain" {
		t.Error("header name")
	}
}
