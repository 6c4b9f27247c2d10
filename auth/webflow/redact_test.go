package webflow_test

import (
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// TestApprovalNeverShowsTokens covers what the AfterApprove hook receives:
// %s, %q, every other verb and both slog handlers keep its tokens hidden.
func TestApprovalNeverShowsTokens(t *testing.T) {
	a := &webflow.Approval{
		Client: "app", Kind: webflow.KindSession, TokenID: "row-1", Origin: "https://app.example",
		Token: &oauth2.Token{AccessToken: "AT-approval-91ab", RefreshToken: "RT-approval-82cd", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)},
	}
	redacttest.CheckValueAndPointer(t, "webflow.Approval", a, "AT-approval-91ab", "RT-approval-82cd")
}
