package peers

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
)

func TestHydraBinaryIsNamedByThePinnedVersion(t *testing.T) {
	v, err := HydraVersion()
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^v2\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("version %q", v)
	}
	bin, err := HydraBinary()
	if err != nil || filepath.Base(bin) != "hydra-"+v {
		t.Fatalf("binary %q, %v", bin, err)
	}
}

func TestHydraStartsWithItsIssuer(t *testing.T) {
	h := StartHydra(t)
	resp, err := http.Get(h.PublicURL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer string `json:"issuer"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer != h.Issuer {
		t.Fatalf("discovery issuer %q, harness says %q", doc.Issuer, h.Issuer)
	}
	c := h.CreateClient(t, map[string]any{"grant_types": []string{"client_credentials"}, "token_endpoint_auth_method": "client_secret_post"})
	if c["client_id"] == "" || c["client_secret"] == "" {
		t.Fatalf("client: %v", c)
	}
}
