package replay_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/auth0auth"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/internal/replay"
	"github.com/idsdk/idsdk-go/retry"
)

// clients builds each replayed API's client; "" asks for its default server.
var clients = map[string]replay.NewClient{
	"auth0mgmt": func(base string) (any, error) {
		opts := []auth0mgmt.ClientOption{auth0mgmt.WithToken(auth.Bearer("replay")), auth0mgmt.WithRetry(retry.Off())}
		if base != "" {
			opts = append(opts, auth0mgmt.WithBaseURL(base))
		}
		return auth0mgmt.New("tenant.example.com", opts...)
	},
	"auth0auth": func(base string) (any, error) {
		opts := []auth0auth.ClientOption{auth0auth.WithToken(auth.Bearer("replay")), auth0auth.WithRetry(retry.Off())}
		if base != "" {
			opts = append(opts, auth0auth.WithBaseURL(base))
		}
		return auth0auth.New("tenant.example.com", opts...)
	},
	"zaikiohub": func(base string) (any, error) {
		opts := []zaikiohub.ClientOption{zaikiohub.WithToken(auth.Bearer("replay")), zaikiohub.WithRetry(retry.Off()),
			zaikiohub.WithBasicAuth("replay-client", auth.Secret("replay-secret"))}
		if base != "" {
			opts = append(opts, zaikiohub.WithBaseURL(base))
		}
		return zaikiohub.New(opts...)
	},
	"nexaasid": func(base string) (any, error) {
		opts := []nexaasid.ClientOption{nexaasid.WithToken(auth.Bearer("replay")), nexaasid.WithRetry(retry.Off())}
		if base != "" {
			opts = append(opts, nexaasid.WithBaseURL(base))
		}
		return nexaasid.New(opts...)
	},
}

// apis is the report order.
var apis = []string{"auth0mgmt", "auth0auth", "zaikiohub", "nexaasid"}

// exemptions are recorded requests that are no operation of a typed
// client by design, by API, method and path prefix.
var exemptions = []struct{ api, method, prefix, reason string }{
	{"nexaasid", "", "/sign_in", "HTML sign-in page of the web flow, not an API operation"},
	{"nexaasid", "GET", "/oauth/authorize", "browser authorization redirect, not an API operation"},
	{"nexaasid", "POST", "/oauth/token", "token endpoint, spoken by auth/nexaas through golang.org/x/oauth2"},
}

func exemptCause(in *replay.Interaction) string {
	for _, e := range exemptions {
		if in.API == e.api && (e.method == "" || e.method == in.Method) && strings.HasPrefix(in.Path, e.prefix) {
			return e.reason
		}
	}
	return ""
}

// TestReplay replays the project's fixtures and, when present, the
// recorded real traffic (IDSDK_REALTRAFFIC, or ../shared/realtraffic
// beside the module). Every failure must be listed, with its reason, in
// testdata/exceptions.txt.
func TestReplay(t *testing.T) {
	root := moduleRoot(t)
	known := loadExceptions(t, filepath.Join("testdata", "exceptions.txt"))
	sets := []struct{ name, dir string }{{"fixtures", "testdata"}}
	dir := os.Getenv("IDSDK_REALTRAFFIC")
	if dir == "" {
		dir = filepath.Join(root, "..", "shared", "realtraffic")
	}
	if _, err := os.Stat(dir); err == nil {
		sets = append(sets, struct{ name, dir string }{"realtraffic", dir})
	} else {
		t.Logf("no recorded traffic at %s: replaying the fixtures only", dir)
	}
	runners := map[string]*replay.Runner{}
	for _, api := range apis {
		r, err := replay.NewRunner(root, api, clients[api])
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		runners[api] = r
	}
	var report []string
	for _, set := range sets {
		for _, api := range apis {
			file := filepath.Join(set.dir, api+".jsonl")
			if _, err := os.Stat(file); err != nil {
				continue
			}
			ins, err := replay.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			counts := map[replay.Class]int{}
			for _, in := range ins {
				if in.ExemptCause == "" {
					in.ExemptCause = exemptCause(in)
				}
				res := runners[api].Run(context.Background(), in)
				counts[res.Class]++
				if res.Class != replay.OK {
					report = append(report, set.name+" "+res.String())
				}
				if !res.Class.Failed() {
					if _, listed := known[in.Source]; listed {
						t.Logf("%s: listed in exceptions.txt but replays %s now; remove it", in.Source, res.Class)
					}
					continue
				}
				if _, listed := known[in.Source]; !listed {
					t.Errorf("%s: %s", set.name, res)
				}
			}
			t.Log(summary(set.name, api, len(ins), counts))
			// The project's own fixtures are operations of the clients:
			// one that finds no operation means the runner lost its way
			// to the client's methods.
			if set.name == "fixtures" && counts[replay.NoOperation] > 0 {
				t.Errorf("fixtures of %s: %d interactions find no operation of the client", api, counts[replay.NoOperation])
			}
		}
	}
	if out := os.Getenv("IDSDK_REPLAY_REPORT"); out != "" {
		sort.Strings(report)
		if err := os.WriteFile(out, []byte(strings.Join(report, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func summary(set, api string, n int, counts map[replay.Class]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "replay summary: %-11s %-9s interactions=%d", set, api, n)
	for _, c := range replay.Classes {
		fmt.Fprintf(&b, " %s=%d", strings.ReplaceAll(string(c), " ", "_"), counts[c])
	}
	return b.String()
}

// loadExceptions reads "source | class | reason" lines; # starts a comment.
func loadExceptions(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		if len(parts) != 3 || strings.TrimSpace(parts[2]) == "" {
			t.Fatalf("%s: want \"source | class | reason\": %q", file, line)
		}
		out[strings.TrimSpace(parts[0])] = strings.TrimSpace(parts[2])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
