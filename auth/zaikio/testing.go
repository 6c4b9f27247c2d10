package zaikio

import (
	"context"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/webflow"
)

// StandInToken is the access token tests use for a person signed in to
// client without a real Hub: "AT:<client>:<person>".
func StandInToken(client, personID string) string { return "AT:" + client + ":" + personID }

// ParseStandInToken reads a stand-in token back.
func ParseStandInToken(tok string) (client, personID string, ok bool) {
	rest, ok := strings.CutPrefix(tok, "AT:")
	if !ok {
		return "", "", false
	}
	client, personID, ok = strings.Cut(rest, ":")
	if !ok || client == "" || personID == "" || strings.Contains(personID, ":") {
		return "", "", false
	}
	return client, personID, true
}

// StandInOAuth2Token is a token for personID signed in to client, as the
// Hub would answer it (bearer Person, the given scopes), valid for an
// hour, with a stand-in access token.
func StandInOAuth2Token(client, personID string, scopes ...string) *oauth2.Token {
	t := &Token{
		Token:      &oauth2.Token{AccessToken: StandInToken(client, personID), TokenType: "bearer", Expiry: time.Now().Add(time.Hour)},
		Scopes:     scopes,
		Audiences:  []string{client},
		BearerType: BearerPerson,
		BearerID:   personID,
	}
	return t.OAuth2()
}

// LogInPerson signs personID in to client for a test of the app's
// handlers, with no OAuth round trip: it stores a stand-in token through
// h and adds the session cookie to r, so that h.Session(r) and
// h.Token(ctx, r) find the person.
func LogInPerson(ctx context.Context, h *webflow.Handler, r *http.Request, client, personID string, scopes ...string) (*webflow.Session, error) {
	ck, s, err := h.LogIn(ctx, client, StandInOAuth2Token(client, personID, scopes...))
	if err != nil {
		return nil, err
	}
	r.AddCookie(ck)
	return s, nil
}
