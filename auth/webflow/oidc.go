package webflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/idtoken"
)

// scopeOpenID is the scope that makes a sign-in an OpenID Connect one.
const scopeOpenID = "openid"

// errNoIDToken and errNoValidator are why an ID token check failed before
// any validation.
var (
	errNoIDToken   = errors.New("webflow: the token response has no id_token although the openid scope was asked for")
	errNoValidator = errors.New("webflow: the token response has an id_token but the Provider supplies no validator for it")
)

func hasScope(scopes []string, s string) bool { return slices.Contains(scopes, s) }

// validator returns the ID token validator p supplies, or nil.
func validator(p Provider) *idtoken.Validator {
	if ip, ok := p.(IDTokenProvider); ok {
		return ip.IDTokenValidator()
	}
	return nil
}

// newSecrets gives st a fresh PKCE verifier and, for an openid flow, a
// fresh nonce: every round trip to the server (a restart too) gets its own.
func (st *flowState) newSecrets() error {
	st.Verifier = oauth2.GenerateVerifier()
	st.Nonce = ""
	if hasScope(st.Scopes, scopeOpenID) {
		n, err := randomState()
		if err != nil {
			return err
		}
		st.Nonce = n
	}
	return nil
}

// authParams are the parameters sent to the authorization endpoint: the
// pass-through ones, the S256 code challenge and the nonce.
func (st *flowState) authParams() url.Values {
	q := url.Values{}
	for k, vs := range st.Extra {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(st.Verifier))
	q.Set("code_challenge_method", "S256")
	if st.Nonce != "" {
		q.Set("nonce", st.Nonce)
	}
	return q
}

// checkIDToken validates the ID token of tok, when the flow asked for
// openid (then it must be there) or the server sent one anyway, with the
// nonce of the flow.
func checkIDToken(ctx context.Context, p Provider, st *flowState, tok *oauth2.Token) error {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		if hasScope(st.Scopes, scopeOpenID) {
			return errNoIDToken
		}
		return nil
	}
	v := validator(p)
	if v == nil {
		return errNoValidator
	}
	if _, err := v.Validate(ctx, raw, idtoken.Expect{Nonce: st.Nonce}); err != nil {
		return fmt.Errorf("webflow: ID token refused: %w", err)
	}
	return nil
}
