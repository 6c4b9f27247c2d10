package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

// TestSignup runs the example's call against Prism serving Auth0's
// Authentication API document: the request must be valid for it.
func TestSignup(t *testing.T) {
	prism := peers.StartPrism(t, "api/auth0auth/openapi.yaml")
	defer prism.Stop()
	rec := &peers.ViolationRecorder{}
	c, err := auth0.New("tenant.example.auth0.com", "example-app", auth0.WithBaseURL(prism.URL),
		auth0.WithHTTPClient(&http.Client{Transport: rec}), auth0.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	err = signup(context.Background(), c, auth0.SignupParams{
		Email: "ada@example.com", Password: "correct horse battery staple", Connection: "Username-Password-Authentication",
		GivenName: "Ada", UserMetadata: map[string]any{"signed_up_with": "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := rec.Violations(); len(v) > 0 || rec.Requests() != 1 {
		t.Fatalf("%d requests, violations: %v", rec.Requests(), v)
	}
}
