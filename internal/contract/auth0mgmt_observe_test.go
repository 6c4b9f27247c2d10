package contract_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0/m2m"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
)

// TestAuth0MgmtLoggerReachesTheCredentialCache: the client's WithLogger
// also logs the token request of its credential option, and a logger given
// through the credential's own options (m2m.WithCacheOptions) gets that
// record too; neither holds the client secret or the token.
func TestAuth0MgmtLoggerReachesTheCredentialCache(t *testing.T) {
	tn := newTenant(t)
	var client, cache bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	c, err := auth0mgmt.New(tn.domain,
		auth0mgmt.WithLogger(slog.New(slog.NewTextHandler(&client, debug))),
		auth0mgmt.WithClientCredentials("m2m", auth.Secret("m2m-secret-e5a1"),
			m2m.WithCacheOptions(auth.WithCacheLogger(slog.New(slog.NewTextHandler(&cache, debug))))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Get(context.Background(), "auth0|1", nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`msg="token fetch" kind=client_credentials outcome=ok expiry=`,
		`msg="http attempt" api=auth0mgmt operation=`,
		`url=http://` + tn.domain + `/api/v2/users/auth0%7C1 attempt=1 status=200`,
	} {
		if !strings.Contains(client.String(), want) {
			t.Errorf("client log lacks %q:\n%s", want, client.String())
		}
	}
	if n := strings.Count(cache.String(), "\n"); n != 1 || !strings.Contains(cache.String(), `msg="token fetch" kind=client_credentials outcome=ok`) {
		t.Errorf("cache log:\n%s", cache.String())
	}
	for _, out := range []string{client.String(), cache.String()} {
		for _, s := range []string{"m2m-secret-e5a1", tenantToken} {
			if strings.Contains(out, s) {
				t.Errorf("log holds %q:\n%s", s, out)
			}
		}
	}
}
