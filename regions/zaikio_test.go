package regions_test

import (
	"errors"
	"testing"

	"github.com/idsdk/idsdk-go/regions"
)

func TestZaikioCatalog(t *testing.T) {
	want := map[string]string{
		"production":  "https://hub.zaikio.com",
		"sandbox":     "https://hub.sandbox.zaikio.com",
		"staging":     "https://hub.staging.zaikio.com",
		"development": "http://hub.zaikio.test",
	}
	got := map[string]string{}
	for _, s := range regions.Zaikio() {
		if s.API != "zaikiohub" {
			t.Errorf("%v: API = %q", s, s.API)
		}
		norm, err := regions.ValidateZaikioHost(s.URL)
		if err != nil || norm != s.URL {
			t.Errorf("ValidateZaikioHost(%q) = %q, %v", s.URL, norm, err)
		}
		api, err := regions.ValidateZaikioBaseURL(s.URL)
		if err != nil || api != s.URL+"/api/v1" {
			t.Errorf("ValidateZaikioBaseURL(%q) = %q, %v", s.URL, api, err)
		}
		if regions.ZaikioHostOf(api) != s.URL {
			t.Errorf("ZaikioHostOf(%q) = %q", api, regions.ZaikioHostOf(api))
		}
		got[s.Name] = s.URL
		if l, err := regions.Lookup("zaikiohub", s.Name); err != nil || l != s {
			t.Errorf("Lookup(%q) = %v, %v", s.Name, l, err)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("catalog = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestValidateZaikioBaseURL(t *testing.T) {
	ok := map[string]string{
		"https://hub.zaikio.com/":              "https://hub.zaikio.com/api/v1",
		"https://HUB.zaikio.com/api/v1/":       "https://hub.zaikio.com/api/v1",
		"http://hub.zaikio.test":               "http://hub.zaikio.test/api/v1",
		"http://hub.zaikio.test/api/v1":        "http://hub.zaikio.test/api/v1",
		"http://127.0.0.1:4010":                "http://127.0.0.1:4010",
		"http://localhost:3000/api/v1":         "http://localhost:3000/api/v1",
		"https://zaikio-proxy.example.com/hub": "https://zaikio-proxy.example.com/hub",
	}
	for in, want := range ok {
		got, err := regions.ValidateZaikioBaseURL(in)
		if err != nil || got != want {
			t.Errorf("ValidateZaikioBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"http://hub.zaikio.com", "http://hub.zaikio.test.evil.com", "http://evilhub.zaikio.test", "ftp://hub.zaikio.com", "hub.zaikio.com", "https://u:p@hub.zaikio.com"} {
		if _, err := regions.ValidateZaikioBaseURL(in); !errors.Is(err, regions.ErrInvalidBaseURL) {
			t.Errorf("ValidateZaikioBaseURL(%q) = %v; want ErrInvalidBaseURL", in, err)
		}
	}
}
