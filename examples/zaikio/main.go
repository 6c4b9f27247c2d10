// Command zaikio is a small web app that signs people in with Zaikio and
// greets them by the name the Hub API gives: the web flow of auth/webflow
// with the Zaikio preset, tokens in memory, and the generated Hub client.
//
// It is configured from the environment: ZAIKIO_CLIENT_ID and
// ZAIKIO_CLIENT_SECRET (an app registered on the Hub, with redirect URI
// $APP_URL/zaikio/sessions/approve), COOKIE_SECRET (32 bytes or more),
// and optionally ZAIKIO_REGION (production, sandbox, staging or
// development; default sandbox) and APP_URL (default http://localhost:8080).
//
//	ZAIKIO_CLIENT_ID=... ZAIKIO_CLIENT_SECRET=... COOKIE_SECRET=... go run ./examples/zaikio
package main

import (
	"errors"
	"fmt"
	"html"
	"log"
	"net/http"
	"net/url"
	"os"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/regions"
)

func main() {
	region, err := regions.Lookup("zaikiohub", envOr("ZAIKIO_REGION", "sandbox"))
	if err != nil {
		log.Fatal(err)
	}
	appURL := envOr("APP_URL", "http://localhost:8080")
	h, _, err := newApp(region.URL, appURL, os.Getenv("ZAIKIO_CLIENT_ID"), auth.Secret(os.Getenv("ZAIKIO_CLIENT_SECRET")), []byte(os.Getenv("COOKIE_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	u, err := url.Parse(appURL)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s", appURL)
	log.Fatal(http.ListenAndServe(u.Host, h))
}

// newApp wires the sign-in flow under /zaikio and the home page; it
// returns the flow too, for tests.
func newApp(hubURL, appURL, clientID string, secret auth.Secret, cookieSecret []byte) (http.Handler, *webflow.Handler, error) {
	zc, err := zaikio.NewClient(zaikio.Config{Host: hubURL, ClientID: clientID, ClientSecret: secret})
	if err != nil {
		return nil, nil, err
	}
	flow, err := webflow.New(webflow.Config{
		Prefix:  "/zaikio",
		BaseURL: appURL,
		Clients: []webflow.Client{zaikio.WebflowClient(clientID, zc,
			[]string{zaikio.PersonScope("directory.person.r").String()}, nil)},
		Store:        webflow.NewMemoryStore(),
		CookieSecret: cookieSecret,
		OnError: func(w http.ResponseWriter, r *http.Request, e *webflow.Error) {
			log.Printf("sign-in failed: %v", e)
			http.Error(w, "Sign-in failed ("+e.Code+"). Please try again.", http.StatusBadRequest)
		},
	})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/zaikio/", flow)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { home(w, r, flow, hubURL) })
	return mux, flow, nil
}

// home greets the signed-in person, or offers to sign in.
func home(w http.ResponseWriter, r *http.Request, flow *webflow.Handler, hubURL string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	tok, _, err := flow.Token(r.Context(), r)
	if err != nil {
		fmt.Fprint(w, `<a href="/zaikio/sessions/new?origin=/">Sign in with Zaikio</a>`)
		return
	}
	hub, err := zaikiohub.New(zaikiohub.WithBaseURL(hubURL), zaikiohub.WithToken(auth.Bearer(tok.AccessToken)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	p, err := hub.Person.Get(r.Context())
	if errors.Is(err, sdkerrors.ErrUnauthorized) {
		fmt.Fprint(w, `Your session has expired. <a href="/zaikio/sessions/new?origin=/">Sign in again</a>`)
		return
	}
	if err != nil {
		http.Error(w, "the Hub did not answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, `Hello, %s! <form method="post" action="/zaikio/session"><button>Sign out</button></form>`, html.EscapeString(p.FullName))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
