package facade_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/retry"
)

// countingSource counts how often the transport asks for a token.
type countingSource struct {
	src oauth2.TokenSource
	n   atomic.Int32
}

func (c *countingSource) Token() (*oauth2.Token, error) {
	return c.TokenContext(context.Background())
}

func (c *countingSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	c.n.Add(1)
	return auth.TokenContext(ctx, c.src)
}

// A token that cannot be had ends the call at once: one token request, no
// retry of the attempt, nothing sent to the API, and the token error still
// reaches the caller.
func TestTokenFailureIsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		is     error
	}{
		{"refused credentials", http.StatusUnauthorized, `{"error":"invalid_client"}`, auth.ErrInvalidCredentials},
		{"token endpoint down", http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tokenHits, apiHits atomic.Int32
			tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tokenHits.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer tokens.Close()
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { apiHits.Add(1) }))
			defer api.Close()
			src := &countingSource{src: auth.NewCache(&auth.ClientCredentials{
				TokenURL: tokens.URL, ClientID: "app", ClientSecret: auth.Secret("s3cret"),
			})}
			var retries atomic.Int32
			policy := retry.Default() // the default waits, so that a retry would show
			policy.Logger = countRetries(&retries)
			c, err := nexaasid.New(nexaasid.WithBaseURL(api.URL), nexaasid.WithToken(src), nexaasid.WithRetry(policy))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Profile.Get(context.Background())
			var ae *auth.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *auth.Error inside", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want it to match %v", err, tc.is)
			}
			if got := src.n.Load(); got != 1 {
				t.Errorf("token asked for %d times, want 1", got)
			}
			if got := tokenHits.Load(); got != 1 {
				t.Errorf("token endpoint got %d requests, want 1", got)
			}
			if got := retries.Load(); got != 0 {
				t.Errorf("%d retries of the attempt, want none", got)
			}
			if got := apiHits.Load(); got != 0 {
				t.Errorf("%d requests reached the API without a token", got)
			}
		})
	}
}

// countRetries is a retry logger that counts the retries the policy makes
// (one Debug record "retry" each).
func countRetries(n *atomic.Int32) *slog.Logger {
	return slog.New(retryCounter{n})
}

type retryCounter struct{ n *atomic.Int32 }

func (h retryCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h retryCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "retry" {
		h.n.Add(1)
	}
	return nil
}
func (h retryCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h retryCounter) WithGroup(string) slog.Handler      { return h }

// idleCloser is a base transport that counts CloseIdleConnections calls.
type idleCloser struct{ closed atomic.Int32 }

func (c *idleCloser) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("not used")
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

// client.HTTPClient().CloseIdleConnections() reaches the transport the
// requests finally go through, whatever stands in front of it.
func TestCloseIdleConnectionsReachesBaseTransport(t *testing.T) {
	for name, opts := range map[string][]nexaasid.ClientOption{
		"token and retries": {nexaasid.WithToken(auth.Bearer("tok"))},
		"token, no retries": {nexaasid.WithToken(auth.Bearer("tok")), nexaasid.WithRetry(retry.Off())},
		"no token":          {},
	} {
		base := &idleCloser{}
		opts = append(opts, nexaasid.WithBaseURL("https://id.example.com"), nexaasid.WithHTTPClient(&http.Client{Transport: base}))
		c, err := nexaasid.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		c.HTTPClient().CloseIdleConnections()
		if got := base.closed.Load(); got != 1 {
			t.Errorf("%s: base CloseIdleConnections called %d times, want 1", name, got)
		}
	}
}
