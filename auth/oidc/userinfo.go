package oidc

// userinfo.go is the UserInfo endpoint (OpenID Connect Core 5.3) and its
// standard claims (5.1).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// ErrNoEndpoint is matched (errors.Is) when the provider's discovery
// document names no endpoint for what was asked (userinfo, revocation,
// introspection).
var ErrNoEndpoint = errors.New("oidc: the provider has no such endpoint")

// ErrSubjectMismatch is returned by UserInfo when the answer's "sub" is
// not the subject of the ID token (OpenID Connect Core 5.3.2: the answer
// must not be used).
var ErrSubjectMismatch = errors.New("oidc: userinfo sub is not the ID token's sub")

// Address is the "address" claim (OpenID Connect Core 5.1.1).
type Address struct {
	Formatted     string `json:"formatted,omitempty"`
	StreetAddress string `json:"street_address,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postal_code,omitempty"`
	Country       string `json:"country,omitempty"`
}

// UserInfo holds the standard claims of OpenID Connect Core 5.1. Reading is
// liberal: email_verified and phone_number_verified may also come as the
// strings "true"/"false", updated_at as a numeric or RFC 3339 string. Every
// member, standard or not, stays in Raw.
type UserInfo struct {
	Subject             string
	Name                string
	GivenName           string
	FamilyName          string
	MiddleName          string
	Nickname            string
	PreferredUsername   string
	Profile             string
	Picture             string
	Website             string
	Email               string
	EmailVerified       bool
	Gender              string
	Birthdate           string
	Zoneinfo            string
	Locale              string
	PhoneNumber         string
	PhoneNumberVerified bool
	// Address is nil when the claim is absent.
	Address *Address
	// UpdatedAt is "updated_at" (seconds since the epoch); zero when absent.
	UpdatedAt time.Time

	// Raw holds every member as sent, the standard ones included.
	Raw map[string]json.RawMessage
}

// Claim decodes the member name of Raw into v and reports whether it was
// present.
func (u *UserInfo) Claim(name string, v any) (bool, error) {
	raw, ok := u.Raw[name]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("oidc: userinfo claim %q: %w", name, err)
	}
	return true, nil
}

// UnmarshalJSON reads a UserInfo response object.
func (u *UserInfo) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*u = UserInfo{Raw: raw}
	strs := map[string]*string{
		"sub": &u.Subject, "name": &u.Name, "given_name": &u.GivenName, "family_name": &u.FamilyName,
		"middle_name": &u.MiddleName, "nickname": &u.Nickname, "preferred_username": &u.PreferredUsername,
		"profile": &u.Profile, "picture": &u.Picture, "website": &u.Website, "email": &u.Email,
		"gender": &u.Gender, "birthdate": &u.Birthdate, "zoneinfo": &u.Zoneinfo, "locale": &u.Locale,
		"phone_number": &u.PhoneNumber,
	}
	for name, dst := range strs {
		if v, ok := raw[name]; ok && string(v) != "null" {
			if err := json.Unmarshal(v, dst); err != nil {
				return fmt.Errorf("oidc: userinfo claim %q: %w", name, err)
			}
		}
	}
	var err error
	if u.EmailVerified, err = flexBool(raw, "email_verified"); err != nil {
		return err
	}
	if u.PhoneNumberVerified, err = flexBool(raw, "phone_number_verified"); err != nil {
		return err
	}
	if v, ok := raw["address"]; ok && string(v) != "null" {
		u.Address = new(Address)
		if err := json.Unmarshal(v, u.Address); err != nil {
			return fmt.Errorf("oidc: userinfo claim \"address\": %w", err)
		}
	}
	if v, ok := raw["updated_at"]; ok && string(v) != "null" {
		t, err := seconds(v)
		if err != nil {
			return fmt.Errorf("oidc: userinfo claim \"updated_at\": %w", err)
		}
		u.UpdatedAt = t
	}
	return nil
}

// flexBool reads a JSON boolean, or the string "true" or "false".
func flexBool(raw map[string]json.RawMessage, name string) (bool, error) {
	v, ok := raw[name]
	if !ok || string(v) == "null" {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(v, &b); err == nil {
		return b, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		if b, err := strconv.ParseBool(s); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("oidc: userinfo claim %q: want a boolean, got %.40s", name, v)
}

// seconds reads a JSON number of seconds since the epoch, or a string
// holding one or an RFC 3339 time.
func seconds(v json.RawMessage) (time.Time, error) {
	var f float64
	if err := json.Unmarshal(v, &f); err == nil {
		return unix(f)
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return time.Time{}, fmt.Errorf("want a number of seconds, got %.40s", v)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return unix(f)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("want a number of seconds or an RFC 3339 time, got %.40q", s)
	}
	return t, nil
}

func unix(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.Abs(f) > 1<<40 {
		return time.Time{}, fmt.Errorf("seconds out of range")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), nil
}

// UserInfo asks the userinfo endpoint about the owner of accessToken. When
// subject is not empty (pass the ID token's sub) the answer's sub must
// equal it, else the error is ErrSubjectMismatch (OpenID Connect Core
// 5.3.2). A refused token is an *errors.APIError matching
// errors.ErrUnauthorized, with the Bearer challenge's error as an
// *errors.OAuthError.
func (p *Provider) UserInfo(ctx context.Context, accessToken, subject string) (*UserInfo, error) {
	if p.meta.UserinfoEndpoint == "" {
		return nil, fmt.Errorf("oidc: userinfo: %w", ErrNoEndpoint)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.meta.UserinfoEndpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("oidc: userinfo: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	var u UserInfo
	if _, err := doJSON(p.cfg.HTTPClient, req, "userinfo", &u); err != nil {
		return nil, err
	}
	if u.Subject == "" {
		return nil, fmt.Errorf("oidc: userinfo: the answer has no sub")
	}
	if subject != "" && u.Subject != subject {
		return nil, ErrSubjectMismatch
	}
	return &u, nil
}
