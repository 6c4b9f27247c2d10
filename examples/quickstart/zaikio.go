// The Zaikio step: the app's "Sign in with Zaikio" (auth/zaikio on the
// generic web flow, served on a loopback server) driven by an HTTP client
// with a cookie jar instead of a browser; then a page of the app calls the
// Hub with the token the flow stored.

package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/sandbox"
)

func init() {
	register(4, "Zaikio: a sign-in driven headlessly, then a Hub call with the stored token", zaikioStep)
}

func zaikioStep(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error {
	// With the real Hub: Host regions.ZaikioSandbox.URL (or production) and
	// the app's credentials.
	oc, err := zaikio.NewClient(zaikio.Config{
		Host: sb.Zaikio.Host, ClientID: sb.Zaikio.ClientID, ClientSecret: auth.Secret(sb.Zaikio.ClientSecret),
	})
	if err != nil {
		return err
	}

	// The app: the sign-in routes under /zaikio, and a page that needs a
	// signed-in person.
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	flow, err := webflow.New(webflow.Config{
		Prefix: "/zaikio", BaseURL: srv.URL, Store: webflow.NewMemoryStore(), CookieSecret: []byte(rand.Text() + rand.Text()),
		Clients: []webflow.Client{zaikio.WebflowClient("hub", oc, []string{"Per.directory.person.r"}, nil)},
	})
	if err != nil {
		return err
	}
	mux.Handle("/zaikio/", flow)
	mux.Handle("/me", flow.RequireSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := webflow.TokenFromContext(r.Context())
		hub, err := zaikiohub.New(zaikiohub.WithBaseURL(sb.Zaikio.APIURL), zaikiohub.WithToken(oauth2.StaticTokenSource(tok)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		p, err := hub.Person.Get(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "signed in as %s (%s), member of %d organization(s)", p.FullName, p.Email, len(p.OrganizationMemberships))
	})))

	// The "browser": a client with a cookie jar. It opens the sign-in,
	// is sent to the Hub's login page, submits it, and follows the
	// redirects back to the app and on to /me.
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	browser := &http.Client{Jar: jar}
	resp, err := sandbox.SubmitLogin(ctx, browser, srv.URL+"/zaikio/sessions/new?origin=%2Fme", sb.Zaikio.PersonEmail, sb.Zaikio.PersonPassword)
	if err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sign-in ended with %s: %s", resp.Status, page)
	}
	fmt.Fprintf(out, "GET %s -> %s\n", resp.Request.URL.Path, page)
	return nil
}
