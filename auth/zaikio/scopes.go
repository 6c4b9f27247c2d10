// Package zaikio holds what a Go app needs to sign people and
// organizations in with Zaikio: scope helpers, a token client for the
// Hub's OAuth endpoints (/oauth/authorize and /oauth/access_token) over
// golang.org/x/oauth2 with the authentication each grant needs, and test
// helpers that log a person in without the OAuth round trip.
//
// The web-app flow itself (sessions/new, sessions/approve, ...) is the
// generic package auth/webflow; WebflowClient and Register give it the
// Zaikio settings.
package zaikio

import (
	"errors"
	"fmt"
	"strings"
)

// Scope bearer prefixes: whose data a scope is about.
const (
	// Org is the prefix of organization scopes ("Org.directory.sites.r").
	Org = "Org"
	// Per is the prefix of person scopes ("Per.directory.person.r").
	Per = "Per"
)

// Bearer types, as the token response's bearer.type names them.
const (
	// BearerPerson is the bearer type of a person's token.
	BearerPerson = "Person"
	// BearerOrganization is the bearer type of an organization's token.
	BearerOrganization = "Organization"
)

// ErrInvalidScope is matched (errors.Is) by every error that refuses a
// scope string; its text names the scope and the reason.
var ErrInvalidScope = errors.New("zaikio: invalid scope")

func scopeErr(s, reason string) error {
	if len(s) > 200 {
		s = s[:200]
	}
	return fmt.Errorf("%w %q: %s", ErrInvalidScope, s, reason)
}

// Scope is one requested Zaikio scope: a bearer prefix (Org or Per),
// optionally the id of that organization or person, and the scope name
// such as "directory.sites.rw". Its text form is
// "<Bearer>[/<id>].<name>", e.g. "Org/7c8a....directory.sites.rw".
type Scope struct {
	// Bearer is Org or Per.
	Bearer string
	// ID is the organization's or person's id; empty means "the one the
	// token is for" (the person signing in, the organization chosen).
	ID string
	// Name is the scope proper, e.g. "directory.person.r".
	Name string
}

// OrgScope is "Org.<name>".
func OrgScope(name string) Scope { return Scope{Bearer: Org, Name: name} }

// OrgScopeFor is "Org/<orgID>.<name>".
func OrgScopeFor(orgID, name string) Scope { return Scope{Bearer: Org, ID: orgID, Name: name} }

// PersonScope is "Per.<name>".
func PersonScope(name string) Scope { return Scope{Bearer: Per, Name: name} }

// PersonScopeFor is "Per/<personID>.<name>".
func PersonScopeFor(personID, name string) Scope { return Scope{Bearer: Per, ID: personID, Name: name} }

// String is the scope's text form.
func (s Scope) String() string {
	if s.ID != "" {
		return s.Bearer + "/" + s.ID + "." + s.Name
	}
	return s.Bearer + "." + s.Name
}

// Validate reports whether s formats to a scope ParseScope accepts.
func (s Scope) Validate() error {
	_, err := ParseScope(s.String())
	return err
}

// Subscription returns the subscription scope s is, if it is one.
func (s Scope) Subscription() (SubscriptionScope, bool) {
	sub, err := ParseSubscriptionScope(s.String())
	return sub, err == nil
}

// ParseScope reads "<Bearer>[/<id>].<name>". Bearer must be Org or Per,
// the id (when present) and the name non-empty, and nothing may contain
// spaces, commas or control characters.
func ParseScope(raw string) (Scope, error) {
	if raw == "" {
		return Scope{}, scopeErr(raw, "empty")
	}
	for _, r := range raw {
		if r <= ' ' || r == ',' || r == 0x7f {
			return Scope{}, scopeErr(raw, "spaces, commas and control characters are not allowed")
		}
	}
	head, name, ok := strings.Cut(raw, ".")
	if !ok || name == "" {
		return Scope{}, scopeErr(raw, `want "<Org|Per>[/<id>].<name>"`)
	}
	bearer, id, hasID := strings.Cut(head, "/")
	if bearer != Org && bearer != Per {
		return Scope{}, scopeErr(raw, "the bearer must be Org or Per")
	}
	if hasID && (id == "" || strings.Contains(id, "/")) {
		return Scope{}, scopeErr(raw, "an empty or malformed bearer id")
	}
	if strings.Contains(name, "/") {
		return Scope{}, scopeErr(raw, "a slash in the scope name")
	}
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return Scope{}, scopeErr(raw, "an empty part in the scope name")
	}
	return Scope{Bearer: bearer, ID: id, Name: name}, nil
}

// subscriptionCreate is the name of the scope that lets an app subscribe
// an organization to one of its plans.
const subscriptionCreate = "subscription_create"

// SubscriptionScope is the scope that asks an organization to subscribe
// to an app: "Org[/<id>].subscription_create[_<app>][.<plan>]".
type SubscriptionScope struct {
	// OrgID is the organization's id; empty lets the person choose.
	OrgID string
	// App is the app's name when it is not the requesting client.
	App string
	// Plan preselects a plan.
	Plan string
}

// String is the scope's text form.
func (s SubscriptionScope) String() string { return s.Scope().String() }

// Scope returns s as a Scope.
func (s SubscriptionScope) Scope() Scope {
	name := subscriptionCreate
	if s.App != "" {
		name += "_" + s.App
	}
	if s.Plan != "" {
		name += "." + s.Plan
	}
	return Scope{Bearer: Org, ID: s.OrgID, Name: name}
}

// ParseSubscriptionScope reads a subscription scope. The app and plan
// names must not contain dots.
func ParseSubscriptionScope(raw string) (SubscriptionScope, error) {
	sc, err := ParseScope(raw)
	if err != nil {
		return SubscriptionScope{}, err
	}
	if sc.Bearer != Org {
		return SubscriptionScope{}, scopeErr(raw, "a subscription scope is an Org scope")
	}
	name, plan, hasPlan := strings.Cut(sc.Name, ".")
	if hasPlan && (plan == "" || strings.Contains(plan, ".")) {
		return SubscriptionScope{}, scopeErr(raw, "a malformed plan")
	}
	rest, ok := strings.CutPrefix(name, subscriptionCreate)
	if !ok {
		return SubscriptionScope{}, scopeErr(raw, "not a subscription_create scope")
	}
	var app string
	if rest != "" {
		app, ok = strings.CutPrefix(rest, "_")
		if !ok || app == "" {
			return SubscriptionScope{}, scopeErr(raw, "a malformed app name")
		}
	}
	return SubscriptionScope{OrgID: sc.ID, App: app, Plan: plan}, nil
}

// JoinScopes joins scopes with commas, the way the Hub wants its scope
// parameter.
func JoinScopes(scopes ...string) string { return strings.Join(scopes, ",") }

// FormatScopes joins typed scopes with commas.
func FormatScopes(scopes ...Scope) string {
	parts := make([]string, len(scopes))
	for i, s := range scopes {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// SplitScopes splits a scope parameter or a token response's scope on
// commas (and, leniently, spaces), dropping empty entries.
func SplitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// ParseScopes splits s like SplitScopes and parses every entry.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, p := range SplitScopes(s) {
		sc, err := ParseScope(p)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}
