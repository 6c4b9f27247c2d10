package auth0

import (
	"testing"

	"github.com/idsdk/idsdk-go/auth/auth0/m2m"
	"github.com/idsdk/idsdk-go/gen/auth0auth"
)

// TestOneSchemeRuleForClientsAndTokenSources: a tenant domain gives the
// same scheme to the Authentication API client, this package's Client and
// the Management API token sources: https, or http for a loopback host.
func TestOneSchemeRuleForClientsAndTokenSources(t *testing.T) {
	for domain, origin := range map[string]string{
		"127.0.0.1:8080":      "http://127.0.0.1:8080",
		"localhost:9000":      "http://localhost:9000",
		"[::1]:9000":          "http://[::1]:9000",
		"tenant.us.auth0.com": "https://tenant.us.auth0.com",
		"Login.Example.COM":   "https://login.example.com",
	} {
		api, err := auth0auth.New(domain)
		if err != nil {
			t.Fatalf("%s: %v", domain, err)
		}
		c, err := New(domain, "app")
		if err != nil {
			t.Fatalf("%s: %v", domain, err)
		}
		src, err := m2m.ClientCredentials(domain, "m2m", "secret")
		if err != nil {
			t.Fatalf("%s: %v", domain, err)
		}
		got := map[string]string{
			"auth0auth base URL":    api.BaseURL(),
			"auth0.Client issuer":   c.Issuer(),
			"token source endpoint": src.TokenEndpoint(),
			"auth0.Client API":      c.API().BaseURL(),
		}
		want := map[string]string{
			"auth0auth base URL":    origin,
			"auth0.Client issuer":   origin + "/",
			"token source endpoint": origin + "/oauth/token",
			"auth0.Client API":      origin,
		}
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s: %s = %q, want %q", domain, k, got[k], want[k])
			}
		}
	}
}
