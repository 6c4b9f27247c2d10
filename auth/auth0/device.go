package auth0

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// Polling outcomes a caller may want to branch on.
var (
	// ErrExpiredToken: the device code or CIBA request expired before the
	// user acted ("expired_token", or the local deadline passed).
	ErrExpiredToken = errors.New("auth0: the request expired before the user approved it")
	// ErrAccessDenied: the user refused ("access_denied").
	ErrAccessDenied = errors.New("auth0: the user denied the request")
)

// DefaultPollInterval is the polling interval when the server gives none.
const DefaultPollInterval = 5 * time.Second

// DeviceCode is the answer of the device authorization endpoint
// (RFC 8628 section 3.2). Show UserCode and VerificationURI (or
// VerificationURIComplete, e.g. as a QR code) to the user, then call
// PollDeviceToken. The device code is a credential: formatting a
// DeviceCode does not show it.
type DeviceCode struct {
	DeviceCode              string        `json:"device_code"`
	UserCode                string        `json:"user_code"`
	VerificationURI         string        `json:"verification_uri"`
	VerificationURIComplete string        `json:"verification_uri_complete"`
	ExpiresIn               int           `json:"expires_in"`
	Interval                int           `json:"interval"`
	Expiry                  time.Time     `json:"-"`
	interval                time.Duration // the polling interval to start with
}

// String shows the user-facing values only.
func (d DeviceCode) String() string {
	return fmt.Sprintf("auth0.DeviceCode{UserCode: %q, VerificationURI: %q, ExpiresIn: %d, Interval: %d, DeviceCode: %s}",
		d.UserCode, d.VerificationURI, d.ExpiresIn, d.Interval, redact.Placeholder)
}

// GoString is String.
func (d DeviceCode) GoString() string { return d.String() }

// Format prints String for every verb.
func (d DeviceCode) Format(f fmt.State, verb rune) { redact.Format(f, verb, d.String()) }

// LogValue keeps the device code out of slog output.
func (d *DeviceCode) LogValue() slog.Value { return redact.PointerLogValue(d) }

// MarshalJSON writes String (decoding is unchanged).
func (d DeviceCode) MarshalJSON() ([]byte, error) { return redact.JSON(d.String()) }

// StartDeviceCode starts the device authorization flow
// (POST /oauth/device/code) for scope and audience (both optional).
func (c *Client) StartDeviceCode(ctx context.Context, audience string, scope ...string) (*DeviceCode, error) {
	form := url.Values{}
	if len(scope) > 0 {
		form.Set("scope", strings.Join(scope, " "))
	}
	if audience != "" {
		form.Set("audience", audience)
	}
	d := &DeviceCode{}
	if _, err := c.postForm(ctx, "DeviceCode", "/oauth/device/code", form, d); err != nil {
		return nil, err
	}
	if d.DeviceCode == "" {
		return nil, errors.New("auth0: device authorization answer without device_code")
	}
	d.interval = lifetime.SecondsInt(d.Interval)
	if d.ExpiresIn > 0 {
		d.Expiry = c.now().Add(lifetime.SecondsInt(d.ExpiresIn))
	}
	return d, nil
}

// PollDeviceToken polls /oauth/token until the user approves the device
// code, honouring "authorization_pending" (wait the interval),
// "slow_down" (wait 5 s longer from then on) and "expired_token" or the
// code's expiry (an error matching ErrExpiredToken). It returns when
// ctx ends.
func (c *Client) PollDeviceToken(ctx context.Context, d *DeviceCode, opts ...TokenOption) (*Token, error) {
	if d == nil || d.DeviceCode == "" {
		return nil, errors.New("auth0: PollDeviceToken needs the DeviceCode StartDeviceCode returned")
	}
	p := url.Values{"device_code": {d.DeviceCode}}
	return c.poll(ctx, "DeviceToken", GrantDeviceCode, p, d.interval, d.Expiry, collect(opts))
}

// BackchannelParams start a Client-Initiated Backchannel Authentication
// (CIBA) request.
type BackchannelParams struct {
	// LoginHint identifies the user, as Auth0 wants it: a JSON object like
	// {"format":"iss_sub","iss":"https://tenant/","sub":"auth0|123"}.
	LoginHint string
	// Scope must include "openid".
	Scope string
	// BindingMessage is shown to the user on their device.
	BindingMessage string
	// Audience is the API the access token is for.
	Audience string
	// RequestedExpiry is how long the request may wait for the user.
	RequestedExpiry time.Duration
}

// Backchannel is a started CIBA request.
type Backchannel struct {
	// AuthReqID identifies the request when polling. It is a credential
	// and is not shown when formatted.
	AuthReqID string
	// ExpiresIn is its lifetime in seconds.
	ExpiresIn int
	// Interval is the polling interval in seconds.
	Interval int
	// Expiry is when it expires.
	Expiry time.Time
}

// String hides the request id.
func (b Backchannel) String() string {
	return fmt.Sprintf("auth0.Backchannel{ExpiresIn: %d, Interval: %d, AuthReqID: %s}", b.ExpiresIn, b.Interval, redact.Placeholder)
}

// GoString is String.
func (b Backchannel) GoString() string { return b.String() }

// Format prints String for every verb.
func (b Backchannel) Format(f fmt.State, verb rune) { redact.Format(f, verb, b.String()) }

// LogValue keeps the request id out of slog output.
func (b *Backchannel) LogValue() slog.Value { return redact.PointerLogValue(b) }

// MarshalJSON writes String.
func (b Backchannel) MarshalJSON() ([]byte, error) { return redact.JSON(b.String()) }

// StartBackchannel starts a CIBA request (POST /bc-authorize): Auth0 asks
// the user on their own device (Guardian push) to approve. Poll with
// PollBackchannelToken.
func (c *Client) StartBackchannel(ctx context.Context, p BackchannelParams) (*Backchannel, error) {
	if p.LoginHint == "" || p.Scope == "" || p.BindingMessage == "" {
		return nil, errors.New("auth0: StartBackchannel needs LoginHint, Scope and BindingMessage")
	}
	form := url.Values{"login_hint": {p.LoginHint}, "scope": {p.Scope}, "binding_message": {p.BindingMessage}}
	if p.Audience != "" {
		form.Set("audience", p.Audience)
	}
	if p.RequestedExpiry > 0 {
		form.Set("requested_expiry", fmt.Sprint(int64(p.RequestedExpiry/time.Second)))
	}
	var out struct {
		AuthReqID string `json:"auth_req_id"`
		ExpiresIn int    `json:"expires_in"`
		Interval  int    `json:"interval"`
	}
	if _, err := c.postForm(ctx, "BackchannelAuthorize", "/bc-authorize", form, &out); err != nil {
		return nil, err
	}
	if out.AuthReqID == "" {
		return nil, errors.New("auth0: bc-authorize answer without auth_req_id")
	}
	b := &Backchannel{AuthReqID: out.AuthReqID, ExpiresIn: out.ExpiresIn, Interval: out.Interval}
	if out.ExpiresIn > 0 {
		b.Expiry = c.now().Add(lifetime.SecondsInt(out.ExpiresIn))
	}
	return b, nil
}

// PollBackchannelToken polls /oauth/token with the CIBA grant until the
// user approves, like PollDeviceToken.
func (c *Client) PollBackchannelToken(ctx context.Context, b *Backchannel, opts ...TokenOption) (*Token, error) {
	if b == nil || b.AuthReqID == "" {
		return nil, errors.New("auth0: PollBackchannelToken needs the Backchannel StartBackchannel returned")
	}
	p := url.Values{"auth_req_id": {b.AuthReqID}}
	return c.poll(ctx, "BackchannelToken", GrantCIBA, p, lifetime.SecondsInt(b.Interval), b.Expiry, collect(opts))
}

// poll is the RFC 8628 section 3.5 loop shared by the device and CIBA
// grants. Each attempt is a new request with a fresh client assertion.
func (c *Client) poll(ctx context.Context, op, grant string, p url.Values, interval time.Duration, expiry time.Time, o tokenOpts) (*Token, error) {
	if err := o.checkParams(op, grant, false); err != nil {
		return nil, err // before the first wait
	}
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	for {
		if !expiry.IsZero() && !c.now().Before(expiry) {
			return nil, fmt.Errorf("auth0: %s: %w", op, ErrExpiredToken)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("auth0: %s: %w", op, ctx.Err())
		case <-c.sleep(interval):
		}
		t, err := c.formGrant(ctx, op, grant, p, o)
		if err == nil {
			return t, nil
		}
		var ae *sdkerrors.Auth0AuthError
		if !errors.As(err, &ae) {
			return nil, err
		}
		switch ae.Code {
		case "authorization_pending":
		case "slow_down":
			interval += 5 * time.Second
		case "expired_token":
			return nil, fmt.Errorf("%w: %w", ErrExpiredToken, err)
		case "access_denied":
			return nil, fmt.Errorf("%w: %w", ErrAccessDenied, err)
		default:
			return nil, err
		}
	}
}
