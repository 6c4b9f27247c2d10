// This file holds the emulated Auth0 tenant: the Management API v2 and the
// Authentication API on one loopback domain.

package sandbox

// Auth0 is the emulated Auth0 tenant.
type Auth0 struct{}

// auth0Config is what the options set for Auth0.
type auth0Config struct{}

// startAuth0 starts the Auth0 server (port index 0).
func startAuth0(s *Sandbox) error { return nil }
