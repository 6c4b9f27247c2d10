package auth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// TestSecretNestedStaysHidden: a Secret in a slice, a map or a struct is
// hidden by slog's JSON handler too (it encodes nested values with
// encoding/json), and encoding/json itself writes the placeholder.
func TestSecretNestedStaysHidden(t *testing.T) {
	s := Secret("SECRET-nested-77aa")
	redacttest.Check(t, "[]Secret", []Secret{s}, "SECRET-nested-77aa")
	redacttest.Check(t, "map[string]Secret", map[string]Secret{"k": s}, "SECRET-nested-77aa")
	redacttest.CheckValueAndPointer(t, "Secret", &s, "SECRET-nested-77aa")
	b, err := json.Marshal(struct{ S Secret }{s})
	if err != nil || string(b) != `{"S":"[redacted]"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	// Decoding still takes the value, and Reveal gives it back.
	var in struct{ S Secret }
	if err := json.Unmarshal([]byte(`{"S":"SECRET-nested-77aa"}`), &in); err != nil || in.S.Reveal() != "SECRET-nested-77aa" {
		t.Errorf("json.Unmarshal = %q, %v", in.S.Reveal(), err)
	}
	if b, _ := json.Marshal(struct{ S Secret }{}); string(b) != `{"S":""}` {
		t.Errorf("empty Secret = %s", b)
	}
}

// TestPrivateKeyValueHidesKey: a PrivateKey copied by value (not only the
// pointer) shows neither D nor the primes, through slog JSON included.
func TestPrivateKeyValueHidesKey(t *testing.T) {
	rsaKey := testKeys()["rsa"].(*rsa.PrivateKey)
	k := &PrivateKey{Key: rsaKey, KeyID: "k1"}
	needles := []string{rsaKey.D.String(), rsaKey.Primes[0].String(), rsaKey.Primes[1].String(), rsaKey.D.String()[:30]}
	redacttest.CheckValueAndPointer(t, "PrivateKey", k, needles...)
	redacttest.Check(t, "[]PrivateKey", []PrivateKey{*k}, needles...)
}

const (
	echoSecret  = "SECRET-echo+p/w%rd=1&x"
	echoRefresh = "REFRESH-echo-6b1d9e"
)

// echoTokenServer answers every token request with an OAuth error whose
// description, URI and extra members repeat the client secret and the
// refresh token the request carried, raw and form-encoded.
func echoTokenServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, basic, _ := r.BasicAuth()
		sent := r.PostForm.Get("client_secret") + basic
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"error":             "invalid_request",
			"error_description": "bad secret " + sent + " for token " + r.PostForm.Get("refresh_token") + " in " + url.QueryEscape(sent),
			"error_uri":         "https://as.example/err?secret=" + url.QueryEscape(sent) + "&rt=" + r.PostForm.Get("refresh_token"),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestTokenErrorScrubsEchoedSecrets: a token endpoint that repeats the
// client secret or the refresh token in error_description or error_uri
// does not get them into Error(), any fmt verb, %#v, slog, or the
// *sdkerrors.OAuthError inside.
func TestTokenErrorScrubsEchoedSecrets(t *testing.T) {
	ctx := context.Background()
	srv := echoTokenServer(t)
	tok := &oauth2.Token{AccessToken: "ACCESS-echo-11", RefreshToken: echoRefresh, Expiry: time.Now().Add(-time.Minute)}
	var errs []error
	for _, m := range []AuthMethod{ClientSecretBasic, ClientSecretPost} {
		_, err := (&ClientCredentials{ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "id", ClientSecret: echoSecret, AuthMethod: m}}).TokenContext(ctx)
		errs = append(errs, err)
		_, err = NewRefreshSource(RefreshConfig{ClientAuth: ClientAuth{TokenURL: srv.URL, ClientID: "id", ClientSecret: echoSecret, AuthMethod: m}}, tok).Refresh(ctx, nil)
		errs = append(errs, err)
	}
	needles := []string{echoSecret, url.QueryEscape(echoSecret), echoRefresh}
	for i, err := range errs {
		var te *TokenError
		if !errors.As(err, &te) || te.Code != "invalid_request" {
			t.Fatalf("%d: err = %v, want a *TokenError", i, err)
		}
		if !strings.Contains(te.Description, "bad secret [redacted]") {
			t.Errorf("%d: Description = %q, want the secret replaced", i, te.Description)
		}
		redacttest.Check(t, fmt.Sprintf("TokenError %d", i), err, needles...)
		var oe *sdkerrors.OAuthError
		if !errors.As(err, &oe) {
			t.Fatalf("%d: no OAuthError in %v", i, err)
		}
		redacttest.Check(t, fmt.Sprintf("OAuthError %d", i), oe, needles...)
		redacttest.Check(t, fmt.Sprintf("TokenError fields %d", i), []string{te.Description, te.URI, oe.Description, oe.URI}, needles...)
	}
}

// TestConnectorErrorKeepsBodyOut: a non-JSON error body (kept in
// the *sdkerrors.APIError inside the *TokenError) is not
// repeated by Error(), by any fmt verb (%#v included) or by slog; a secret
// the server echoed is scrubbed from the Body field too.
func TestConnectorErrorKeepsBodyOut(t *testing.T) {
	const dump = "stack trace: other-user-token-5f5f5f"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, p, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "%s\nsecret=%s\n%s", dump, p, strings.Repeat("x", 5000))
	}))
	defer srv.Close()
	_, err := NewConnector(srv.URL, "id", echoSecret).Token(context.Background())
	var se *sdkerrors.APIError
	if !errors.As(err, &se) || se.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(string(se.Body), echoSecret) || !strings.Contains(string(se.Body), dump) {
		t.Errorf("Body keeps the secret or lost the text: %.80q", se.Body)
	}
	if !errors.Is(err, sdkerrors.ErrServer) {
		t.Errorf("errors.Is(err, ErrServer) = false")
	}
	redacttest.Check(t, "the APIError of a token answer", se, echoSecret)
	for _, out := range []string{se.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%q", err), logJSON(err), logText(err)} {
		if strings.Contains(out, "other-user-token") || strings.Contains(out, "xxxxxxxx") {
			t.Errorf("the body shows: %.300s", out)
		}
	}
	t.Logf("%v / %#v", err, err)
}

func logJSON(v any) string {
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("m", "err", v)
	return b.String()
}

func logText(v any) string {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("m", "err", v)
	return b.String()
}
