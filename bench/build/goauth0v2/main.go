// Command goauth0v2 lists the emails of every user of an Auth0 tenant with
// go-auth0 v2.0.0, the work bench/build/ours does with idsdk-go.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/auth0/go-auth0/v2/management"
	"github.com/auth0/go-auth0/v2/management/client"
	"github.com/auth0/go-auth0/v2/management/option"
)

func main() {
	ctx := context.Background()
	m, err := client.New(os.Getenv("AUTH0_DOMAIN"),
		option.WithClientCredentials(ctx, os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	page, err := m.Users.List(ctx, &management.ListUsersRequestParameters{})
	if err != nil {
		log.Fatal(err)
	}
	it := page.Iterator()
	for it.Next(ctx) {
		fmt.Println(it.Current().GetEmail())
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
}
