package contract_test

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/idsdk/idsdk-go/internal/peers"
)

// lockedOperations reads api/<api>/names.lock: operationId -> method (the
// "type Name" lines lock the exported types and are left out).
func lockedOperations(t *testing.T, api string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(peers.RepoRoot(), "api", api, "names.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ops := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if fields[0] == "type" {
			continue
		}
		ops[fields[0]] = fields[1]
	}
	return ops
}

// coverage records which operations a contract test called.
type coverage struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (c *coverage) add(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]bool{}
	}
	c.ids[id] = true
}

// check fails for every locked operation the test did not call.
func (c *coverage) check(t *testing.T, api string) int {
	t.Helper()
	var missing []string
	for id := range lockedOperations(t, api) {
		if !c.ids[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s: %d operations not exercised: %s", api, len(missing), strings.Join(missing, ", "))
	}
	return len(c.ids)
}
