// This file holds the emulated Zaikio API.

package sandbox

// Zaikio is the emulated Zaikio API.
type Zaikio struct{}

// zaikioConfig is what the options set for Zaikio.
type zaikioConfig struct{}

// startZaikio starts the Zaikio server (port index 3).
func startZaikio(s *Sandbox) error { return nil }
