package tokenstore_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/zaikio"
)

// Environment of the helper processes of TestCrossProcessRefresh.
const (
	envHelper = "IDSDK_TOKENSTORE_HELPER"
	envDSN    = "IDSDK_TOKENSTORE_DSN"
	envURL    = "IDSDK_TOKENSTORE_URL"
	envKey    = "IDSDK_TOKENSTORE_KEY"
	envID     = "IDSDK_TOKENSTORE_ID"
	envStart  = "IDSDK_TOKENSTORE_START"
	envMode   = "IDSDK_TOKENSTORE_MODE"
)

// helperFetchCallers is how many goroutines of each helper process ask an
// empty store for a token in TestCrossProcessFirstFetch.
const helperFetchCallers = 20

// helperResult is what a helper process prints as its last line.
type helperResult struct {
	Tokens map[string]int `json:"tokens"` // access token -> callers that got it
	Errors []string       `json:"errors"`
}

// TestHelperProcess is not a test: it is the body of a helper process
// started by TestCrossProcessRefresh (50 goroutines ask for the expired
// row, half FindActive, half Get, at the same moment) or, in mode "fetch",
// by TestCrossProcessFirstFetch (helperFetchCallers goroutines Get a token
// for a bearer the store has none of).
func TestHelperProcess(t *testing.T) {
	if os.Getenv(envHelper) != "1" {
		t.Skip("helper process of TestCrossProcessRefresh")
	}
	ctx := context.Background()
	secret, err := base64.StdEncoding.DecodeString(os.Getenv(envKey))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := tokenstore.NewKeyring(tokenstore.Key{ID: "k1", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, os.Getenv(envDSN), tokenstore.Options{
		Keys:    keys,
		Clients: []tokenstore.ClientConfig{{Name: clientID, Client: hubClient(os.Getenv(envURL), clientSecret), Scopes: []string{"directory.person.r"}, QualifyScope: zaikio.QualifyScope}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id := os.Getenv(envID)
	start, _ := strconv.ParseInt(os.Getenv(envStart), 10, 64)
	time.Sleep(time.Until(time.UnixMilli(start)))
	res := helperResult{Tokens: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	fetch := os.Getenv(envMode) == "fetch"
	callers := 50
	if fetch {
		callers = helperFetchCallers
	}
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var tok *tokenstore.Token
			var err error
			if fetch {
				tok, err = s.Get(ctx, tokenstore.GetOptions{BearerID: "p-fetch"})
			} else if i%2 == 0 {
				tok, err = s.FindActive(ctx, id, 0)
			} else {
				tok, err = s.Get(ctx, tokenstore.GetOptions{BearerID: "p1"})
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Errors = append(res.Errors, err.Error())
				return
			}
			res.Tokens[tok.AccessToken.Reveal()]++
		}(i)
	}
	wg.Wait()
	b, _ := json.Marshal(res)
	fmt.Printf("\nRESULT %s\n", b)
}

// TestCrossProcessRefresh: 2 OS processes x 50 goroutines refresh one
// expired row at once; exactly one refresh request reaches the server and
// every caller gets its result.
func TestCrossProcessRefresh(t *testing.T) {
	if os.Getenv(envHelper) == "1" {
		t.Skip("inside a helper process")
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		ts := newTokenServer(t)
		ts.refreshDelay.Store(int64(200 * time.Millisecond))
		key := newKey(t, "k1")
		ring, _ := tokenstore.NewKeyring(key)
		e := newEnv(t, dsn, ts, func(o *tokenstore.Options) { o.Keys = ring })
		if _, err := e.store.Save(ctx, ts.userToken("jti-xproc", "Person/p1", time.Now().Add(-time.Minute)), tokenstore.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		tokens := runHelpers(t, "refresh", dsn, ts.URL, key.Secret)
		calls := 0
		for _, n := range tokens {
			calls += n
		}
		t.Logf("%s: 2 processes x 50 callers: %d refresh requests, %d client credentials requests, %d callers, %d distinct tokens",
			t.Name(), ts.refreshes.Load(), ts.clientCredentials.Load(), calls, len(tokens))
		if ts.refreshes.Load() != 1 || ts.clientCredentials.Load() != 0 || calls != 100 || len(tokens) != 1 {
			t.Fatalf("want exactly 1 refresh shared by 100 callers; got %d refreshes, %d client credentials, %d callers, %d tokens",
				ts.refreshes.Load(), ts.clientCredentials.Load(), calls, len(tokens))
		}
		ts.mu.Lock()
		issued := ts.issued[len(ts.issued)-1]
		ts.mu.Unlock()
		if tokens[issued] != 100 {
			t.Fatal("callers did not get the refreshed token")
		}
	})
}

// runHelpers starts two helper processes in mode on dsn and the token
// server at url, and adds up the tokens their callers got.
func runHelpers(t *testing.T, mode, dsn, url string, key []byte) map[string]int {
	t.Helper()
	// Both processes start their goroutines at the same moment, once
	// they have had time to start and open the store.
	start := time.Now().Add(3 * time.Second).UnixMilli()
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for p := 0; p < 2; p++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(),
			envHelper+"=1", envMode+"="+mode, envDSN+"="+dsn, envURL+"="+url, envID+"=jti-xproc",
			envKey+"="+base64.StdEncoding.EncodeToString(key), envStart+"="+strconv.FormatInt(start, 10))
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			out, err := cmd.CombinedOutput()
			outs[p], errs[p] = string(out), err
		}(p)
	}
	wg.Wait()
	tokens := map[string]int{}
	for p := 0; p < 2; p++ {
		if errs[p] != nil {
			t.Fatalf("helper %d: %v\n%s", p, errs[p], outs[p])
		}
		_, line, ok := strings.Cut(outs[p], "\nRESULT ")
		if !ok {
			t.Fatalf("helper %d printed no result:\n%s", p, outs[p])
		}
		line, _, _ = strings.Cut(line, "\n")
		var res helperResult
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("helper %d: %v", p, err)
		}
		if len(res.Errors) > 0 {
			t.Fatalf("helper %d: %d callers failed, first: %s", p, len(res.Errors), res.Errors[0])
		}
		for tok, n := range res.Tokens {
			tokens[tok] += n
		}
	}
	return tokens
}

// TestCrossProcessFirstFetch: 2 OS processes x 20 goroutines ask an empty
// store for the same bearer's token at once; exactly one client
// credentials request reaches the server, one row is stored, and every
// caller gets that token.
func TestCrossProcessFirstFetch(t *testing.T) {
	if os.Getenv(envHelper) == "1" {
		t.Skip("inside a helper process")
	}
	forEachBackend(t, func(t *testing.T, dsn string) {
		ts := newTokenServer(t)
		ts.grantDelay.Store(int64(200 * time.Millisecond))
		key := newKey(t, "k1")
		ring, _ := tokenstore.NewKeyring(key)
		e := newEnv(t, dsn, ts, func(o *tokenstore.Options) { o.Keys = ring })
		tokens := runHelpers(t, "fetch", dsn, ts.URL, key.Secret)
		calls := 0
		for _, n := range tokens {
			calls += n
		}
		rows := len(rawRows(t, e.store))
		t.Logf("%s: 2 processes x %d callers on an empty store: %d client credentials requests, %d rows, %d callers, %d distinct tokens",
			t.Name(), helperFetchCallers, ts.clientCredentials.Load(), rows, calls, len(tokens))
		if ts.clientCredentials.Load() != 1 || rows != 1 || calls != 2*helperFetchCallers || len(tokens) != 1 {
			t.Fatalf("want 1 request and 1 row shared by %d callers; got %d requests, %d rows, %d callers, %d tokens",
				2*helperFetchCallers, ts.clientCredentials.Load(), rows, calls, len(tokens))
		}
	})
}
