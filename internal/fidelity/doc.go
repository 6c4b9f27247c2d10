// Package fidelity holds tests that check the generated clients against
// what the real services carry: a value of every property a vendor's own
// data classes hold goes through our generated types and comes back
// unchanged, each property landing in a typed field of its own.
package fidelity
