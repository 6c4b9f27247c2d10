// Command logout prints the URL that ends a user's Auth0 session and sends
// the browser back to the application (GET /v2/logout). An app redirects
// the browser there after clearing its own session.
//
//	AUTH0_DOMAIN=tenant.us.auth0.com AUTH0_CLIENT_ID=... \
//	    go run ./examples/auth0auth/logout -return-to https://app.example.com/ [-federated]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/idsdk/idsdk-go/auth/auth0"
)

func main() {
	returnTo := flag.String("return-to", "http://localhost:3000/", "where the browser goes after logout (an allowed logout URL)")
	federated := flag.Bool("federated", false, "also sign out of the identity provider (Google, SAML, ...)")
	flag.Parse()
	c, err := auth0.New(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"))
	if err != nil {
		log.Fatal(err)
	}
	u, err := c.LogoutURL(*returnTo, "", *federated)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u)
}
