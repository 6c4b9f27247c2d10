// Package contract holds the contract tests of the generated clients: each
// one calls every operation of a client against Stoplight Prism serving the
// API's own document, and fails on any request Prism finds invalid.
package contract
