// Command authlete runs the Authlete quick start with the idsdk-go client:
// it reads a service, lists its clients and hands an authorization request
// to Authlete, printing what comes back.
//
// It is configured from the environment: AUTHLETE_BEARER (a service access
// token or an organization token), and optionally AUTHLETE_REGION (us, jp,
// eu or br) or AUTHLETE_BASE_URL (a dedicated server, without "/api").
//
//	AUTHLETE_BEARER=... go run ./examples/authlete -service 715948317 \
//	    -request 'response_type=code&client_id=...&redirect_uri=...&scope=openid'
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/authlete"
)

func main() {
	serviceID := flag.String("service", os.Getenv("AUTHLETE_SERVICE_ID"), "the service (API key) to work with")
	request := flag.String("request", "", "the query string of an authorization request to process (optional)")
	flag.Parse()
	if *serviceID == "" {
		log.Fatal("give the service id with -service or AUTHLETE_SERVICE_ID")
	}
	if err := run(*serviceID, *request); err != nil {
		log.Fatal(err)
	}
}

func run(serviceID, request string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := authlete.New(authlete.FromEnv())
	if err != nil {
		return err
	}
	fmt.Println("server:", c.BaseURL())

	svc, err := c.Services.Get(ctx, serviceID)
	if err != nil {
		return explain("get the service", err)
	}
	fmt.Println("service:", svc.GetServiceName())

	n := 0
	for cl, err := range c.Clients.All(ctx, serviceID, nil) {
		if err != nil {
			return explain("list the clients", err)
		}
		n++
		fmt.Printf("client %d: %s\n", cl.GetClientID(), cl.GetClientName())
	}
	fmt.Println(n, "clients")

	if request == "" {
		return nil
	}
	res, err := c.Authorization.ProcessRequest(ctx, serviceID, authlete.AuthorizationRequest{Parameters: request})
	if err != nil {
		return explain("process the authorization request", err)
	}
	// Action tells the authorization server what to do next:
	// AuthorizationResponseActionInteraction (ask the user),
	// AuthorizationResponseActionNoInteraction, or an error to report to
	// the client.
	fmt.Println("action:", res.GetAction())
	fmt.Println("result:", res.GetResultMessage())
	return nil
}

// explain adds Authlete's result code to an error, and a hint for the
// failures a first run usually meets.
func explain(what string, err error) error {
	var res *sdkerrors.AuthleteResult
	if errors.As(err, &res) {
		err = fmt.Errorf("%s: Authlete said %s: %w", what, res.ResultCode, err)
	} else {
		err = fmt.Errorf("%s: %w", what, err)
	}
	switch {
	case errors.Is(err, sdkerrors.ErrUnauthorized):
		return fmt.Errorf("%w (is AUTHLETE_BEARER a valid access token?)", err)
	case errors.Is(err, sdkerrors.ErrForbidden), errors.Is(err, sdkerrors.ErrNotFound):
		return fmt.Errorf("%w (does the token reach this service, on this cluster?)", err)
	}
	return err
}
