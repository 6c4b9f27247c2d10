// The connector step: an Authorization header for a service-to-service
// call, from a client-credentials token endpoint.

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/sandbox"
)

func init() {
	register(5, "Connector: an Authorization header from a client-credentials token endpoint", connectorStep)
}

func connectorStep(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error {
	// A Connector posts grant_type=client_credentials to host + /oauth/token
	// with HTTP Basic client authentication, and reuses the token until a
	// minute before it expires. Here the token endpoint is the emulated
	// Auth0 tenant's; its machine-to-machine application gets tokens for
	// the Management API.
	conn := auth.NewConnector(sb.Auth0.URL, sb.Auth0.ClientID, auth.Secret(sb.Auth0.ClientSecret))
	header, err := conn.AuthorizationHeader(ctx)
	if err != nil {
		return err
	}
	again, err := conn.AuthorizationHeader(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "header from %s, reused: %t\n", conn.TokenURL(), header == again)

	// Any HTTP call can carry it.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sb.Auth0.URL+"/api/v2/roles", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/v2/roles with the header: %s", resp.Status)
	}
	fmt.Fprintf(out, "GET /api/v2/roles with the header: %s\n", resp.Status)
	return nil
}
