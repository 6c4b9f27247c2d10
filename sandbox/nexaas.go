// This file holds the emulated Nexaas API.

package sandbox

// Nexaas is the emulated Nexaas API.
type Nexaas struct{}

// nexaasConfig is what the options set for Nexaas.
type nexaasConfig struct{}

// startNexaas starts the Nexaas server (port index 2).
func startNexaas(s *Sandbox) error { return nil }
