// Command goauth0v1 lists the emails of every user of an Auth0 tenant with
// go-auth0 v1.45.0, the work bench/build/ours does with idsdk-go.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/auth0/go-auth0/management"
)

func main() {
	ctx := context.Background()
	m, err := management.New(os.Getenv("AUTH0_DOMAIN"),
		management.WithClientCredentials(ctx, os.Getenv("AUTH0_CLIENT_ID"), os.Getenv("AUTH0_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	for n := 0; ; n++ {
		list, err := m.User.List(ctx, management.Page(n))
		if err != nil {
			log.Fatal(err)
		}
		for _, u := range list.Users {
			fmt.Println(u.GetEmail())
		}
		if !list.HasNext() {
			break
		}
	}
}
