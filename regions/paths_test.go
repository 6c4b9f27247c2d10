package regions_test

import (
	"bufio"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/regions"
)

// serverPaths returns the paths of the server URLs of the committed
// OpenAPI document of api.
func serverPaths(t *testing.T, api string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "api", api, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var paths []string
	in := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case line == "servers:":
			in = true
		case in && !strings.HasPrefix(line, " "):
			return paths
		case in && strings.HasPrefix(strings.TrimSpace(line), "- url: "):
			raw := strings.TrimPrefix(strings.TrimSpace(line), "- url: ")
			raw = strings.NewReplacer("{", "", "}", "").Replace(raw)
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatalf("%s: server %q: %v", api, raw, err)
			}
			paths = append(paths, strings.TrimRight(u.Path, "/"))
		}
	}
	return paths
}

// TestAPIPathsMatchTheDocuments: the API paths the catalogs append to a
// host are the paths of the servers of the documents the clients are
// generated from.
func TestAPIPathsMatchTheDocuments(t *testing.T) {
	for api, want := range map[string]string{"auth0mgmt": regions.Auth0ManagementPath, "zaikiohub": regions.ZaikioAPIPath} {
		paths := serverPaths(t, api)
		if len(paths) == 0 {
			t.Fatalf("%s: no servers found", api)
		}
		for _, p := range paths {
			if p != want {
				t.Errorf("%s: server path %q, constant %q", api, p, want)
			}
		}
	}
}
