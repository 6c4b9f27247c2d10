// Command ours lists the emails of every user of an Auth0 tenant with
// idsdk-go's gen/auth0mgmt. It is one of the programs bench/build builds side
// by side; goauth0v1 and goauth0v2 do the same work with go-auth0.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
)

func main() {
	ctx := context.Background()
	m, err := auth0mgmt.New(os.Getenv("AUTH0_DOMAIN"),
		auth0mgmt.WithClientCredentials(os.Getenv("AUTH0_CLIENT_ID"), auth.Secret(os.Getenv("AUTH0_CLIENT_SECRET"))))
	if err != nil {
		log.Fatal(err)
	}
	for u, err := range m.Users.All(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if u.Email != nil {
			fmt.Println(*u.Email)
		}
	}
}
