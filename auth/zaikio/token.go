package zaikio

import (
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// Token is a Hub token response, in the shape of every vendor token of
// this module (auth0.Token too): the embedded *oauth2.Token holds the
// access token, its type and expiry, the refresh token and every field of
// the response; the Hub's own facts are read out of it. Formatting,
// logging or JSON-encoding a Token never shows the access or refresh
// token.
type Token struct {
	*oauth2.Token
	// Scopes are the granted scopes (the response's comma-separated scope).
	Scopes []string
	// Audiences are the apps the token is valid for.
	Audiences []string
	// BearerType is "Person" or "Organization"; BearerID its id.
	BearerType, BearerID string

	asSent bool // Token is the answer as received (FromOAuth2)
}

// OAuth2 returns t as an *oauth2.Token (for token sources and stores):
// the embedded token, with every response field, when t came from
// FromOAuth2 or a Client; else a copy with Scopes, Audiences and the
// bearer added as response fields.
func (t *Token) OAuth2() *oauth2.Token {
	if t == nil || t.Token == nil {
		return nil
	}
	if t.asSent {
		return t.Token
	}
	return t.Token.WithExtra(map[string]any{
		"scope":     JoinScopes(t.Scopes...),
		"audiences": anySlice(t.Audiences),
		"bearer":    map[string]any{"id": t.BearerID, "type": t.BearerType},
	})
}

// Valid reports whether t has an access token that has not expired.
func (t *Token) Valid() bool { return t.ValidFor(0) }

// ValidFor reports whether t has an access token valid for at least d more.
func (t *Token) ValidFor(d time.Duration) bool {
	if t == nil || t.Token == nil || t.AccessToken == "" {
		return false
	}
	return t.Expiry.IsZero() || time.Now().Add(d).Before(t.Expiry)
}

// String describes t without the tokens.
func (t Token) String() string {
	if t.Token == nil {
		return "zaikio.Token(nil)"
	}
	return fmt.Sprintf("zaikio.Token{%s %s, scopes %v, expires %s, access %s, refresh %t}",
		t.BearerType, t.BearerID, t.Scopes, t.Expiry.UTC().Format(time.RFC3339), redact.Placeholder, t.RefreshToken != "")
}

// GoString is String.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb.
func (t Token) Format(f fmt.State, verb rune) { redact.Format(f, verb, t.String()) }

// LogValue keeps the tokens out of slog output.
func (t *Token) LogValue() slog.Value { return redact.PointerLogValue(t) }

// MarshalJSON writes String.
func (t Token) MarshalJSON() ([]byte, error) { return redact.JSON(t.String()) }

// FromOAuth2 reads the Hub's fields (scope, audiences, bearer) from the
// extra data of tok, as x/oauth2 returns it.
func FromOAuth2(tok *oauth2.Token) *Token {
	if tok == nil {
		return nil
	}
	t := &Token{Token: tok, asSent: true, Scopes: tokenstore.ScopesOf(tok), Audiences: tokenstore.AudiencesOf(tok)}
	if b, ok := tok.Extra("bearer").(map[string]any); ok {
		t.BearerID, _ = b["id"].(string)
		t.BearerType, _ = b["type"].(string)
	}
	return t
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
