package regions_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/regions"
)

func TestAuthleteCatalog(t *testing.T) {
	want := map[string]string{
		"us": "https://us.authlete.com",
		"jp": "https://jp.authlete.com",
		"eu": "https://eu.authlete.com",
		"br": "https://br.authlete.com",
	}
	list := regions.Authlete()
	if len(list) != len(want) {
		t.Fatalf("Authlete() = %v, want %d clusters", list, len(want))
	}
	if list[0] != regions.AuthleteUS {
		t.Errorf("the first (default) cluster is %v, want AuthleteUS", list[0])
	}
	vars := map[string]regions.Server{"us": regions.AuthleteUS, "jp": regions.AuthleteJP, "eu": regions.AuthleteEU, "br": regions.AuthleteBR}
	for _, s := range list {
		if s.API != "authlete" {
			t.Errorf("%v: API = %q, want authlete", s, s.API)
		}
		if want[s.Name] != s.URL {
			t.Errorf("%s = %q, want %q", s.Name, s.URL, want[s.Name])
		}
		if vars[s.Name] != s {
			t.Errorf("%s: the catalog entry %v differs from the variable %v", s.Name, s, vars[s.Name])
		}
		got, err := regions.ValidateAuthleteBaseURL(s.URL)
		if err != nil || got != s.URL {
			t.Errorf("ValidateAuthleteBaseURL(%q) = %q, %v", s.URL, got, err)
		}
		for _, name := range []string{s.Name, strings.ToUpper(s.Name)} {
			if l, err := regions.Lookup("authlete", name); err != nil || l != s {
				t.Errorf("Lookup(authlete, %q) = %v, %v; want %v (is Authlete registered in the catalogs of regions.go?)", name, l, err, s)
			}
		}
	}
}

func TestValidateAuthleteBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://us.authlete.com/":             "https://us.authlete.com",
		"HTTPS://JP.Authlete.com":              "https://jp.authlete.com",
		"https://authlete.internal.example":    "https://authlete.internal.example",
		"https://gw.example.com/authlete":      "https://gw.example.com/authlete",
		"https://gw.example.com/apis":          "https://gw.example.com/apis",
		"https://gw.example.com/api/v3-proxy/": "https://gw.example.com/api/v3-proxy",
		"http://127.0.0.1:4010":                "http://127.0.0.1:4010",
		"http://localhost:8080/":               "http://localhost:8080",
		"http://[::1]:9000":                    "http://[::1]:9000",
	}
	for in, want := range ok {
		got, err := regions.ValidateAuthleteBaseURL(in)
		if err != nil || got != want {
			t.Errorf("ValidateAuthleteBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"https://us.authlete.com/api":           `drop the trailing "/api"`,
		"https://us.authlete.com/api/":          `drop the trailing "/api"`,
		"https://us.authlete.com/API//":         `drop the trailing "/api"`,
		"http://127.0.0.1:4010/api":             `drop the trailing "/api"`,
		"https://gw.example.com/authlete/api":   `drop the trailing "/api"`,
		"http://us.authlete.com":                "https",
		"http://10.0.0.1:8080":                  "https",
		"ftp://us.authlete.com":                 "scheme",
		"us.authlete.com":                       "absolute",
		"https://svc:hunter2@us.authlete.com":   "credentials",
		"https://us.authlete.com?token=hunter2": "query",
	}
	for in, reason := range bad {
		_, err := regions.ValidateAuthleteBaseURL(in)
		if err == nil {
			t.Errorf("ValidateAuthleteBaseURL(%q) accepted", in)
			continue
		}
		if !errors.Is(err, regions.ErrInvalidBaseURL) {
			t.Errorf("ValidateAuthleteBaseURL(%q) error %v does not match ErrInvalidBaseURL", in, err)
		}
		if !strings.Contains(err.Error(), reason) {
			t.Errorf("ValidateAuthleteBaseURL(%q) = %v; want the reason to mention %q", in, err, reason)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ValidateAuthleteBaseURL(%q) error leaks the secret: %v", in, err)
		}
	}
}
