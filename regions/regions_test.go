package regions_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/regions"
)

func TestValidateBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://id.nexaas.com":         "https://id.nexaas.com",
		"https://id.nexaas.com/":        "https://id.nexaas.com",
		"https://ID.Nexaas.com//":       "https://id.nexaas.com",
		"HTTPS://id.nexaas.com/base/":   "https://id.nexaas.com/base",
		"http://127.0.0.1:4010":         "http://127.0.0.1:4010",
		"http://localhost:8080/":        "http://localhost:8080",
		"http://[::1]:9000":             "http://[::1]:9000",
		"  https://id.nexaas.com/api  ": "https://id.nexaas.com/api",
	}
	for in, want := range ok {
		got, err := regions.ValidateBaseURL(in)
		if err != nil || got != want {
			t.Errorf("ValidateBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                     "absolute",
		"id.nexaas.com":                        "absolute",
		"/api/v1":                              "absolute",
		"http://id.nexaas.com":                 "https",
		"ftp://id.nexaas.com":                  "scheme",
		"https://user:hunter2@id.nexaas.com":   "credentials",
		"https://id.nexaas.com?access_token=x": "query",
		"https://id.nexaas.com#frag":           "fragment",
		"http://10.0.0.1":                      "https",
		"https://%zz":                          "parse",
	}
	for in, reason := range bad {
		_, err := regions.ValidateBaseURL(in)
		if err == nil {
			t.Errorf("ValidateBaseURL(%q) accepted", in)
			continue
		}
		if !errors.Is(err, regions.ErrInvalidBaseURL) {
			t.Errorf("ValidateBaseURL(%q) error %v does not match ErrInvalidBaseURL", in, err)
		}
		if !strings.Contains(err.Error(), reason) {
			t.Errorf("ValidateBaseURL(%q) = %v; want the reason to mention %q", in, err, reason)
		}
		for _, secret := range []string{"hunter2", "access_token"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ValidateBaseURL(%q) error leaks %q: %v", in, secret, err)
			}
		}
	}
}

func TestNexaasCatalog(t *testing.T) {
	want := map[string]string{"production": "https://id.nexaas.com", "sandbox": "https://sandbox.id.nexaas.com"}
	got := map[string]string{}
	for _, s := range regions.Nexaas() {
		if s.API != "nexaasid" {
			t.Errorf("%v: API = %q", s, s.API)
		}
		norm, err := regions.ValidateBaseURL(s.URL)
		if err != nil || norm != s.URL {
			t.Errorf("%v: catalog URL not normalized: %q, %v", s, norm, err)
		}
		got[s.Name] = s.URL
	}
	if len(got) != len(want) {
		t.Fatalf("catalog = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for h, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true, "[::1]": true, "10.0.0.1": false, "example.com": false} {
		if got := regions.IsLoopback(h); got != want {
			t.Errorf("IsLoopback(%q) = %v", h, got)
		}
	}
}
