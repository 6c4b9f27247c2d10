// This file holds the emulated Authlete API.

package sandbox

// Authlete is the emulated Authlete API.
type Authlete struct{}

// authleteConfig is what the options set for Authlete.
type authleteConfig struct{}

// startAuthlete starts the Authlete server (port index 1).
func startAuthlete(s *Sandbox) error { return nil }
