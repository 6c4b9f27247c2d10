package peers

import (
	"path/filepath"
	"regexp"
	"testing"
)

// The harness itself (start, clients, login and consent) is exercised by
// the auth/oidc tests, which discover Hydra from its issuer alone.

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
