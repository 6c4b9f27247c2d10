package auth0

import (
	"context"
	"errors"
	"fmt"

	"github.com/idsdk/idsdk-go/gen/auth0auth"
)

// Passwordless channels and kinds of message.
const (
	// ChannelEmail sends to an e-mail address.
	ChannelEmail = "email"
	// ChannelSMS sends to a phone number.
	ChannelSMS = "sms"
	// SendCode sends a one-time code the user types in.
	SendCode = "code"
	// SendLink sends a magic link (e-mail only).
	SendLink = "link"
)

// PasswordlessParams start a passwordless login.
type PasswordlessParams struct {
	// Channel is ChannelEmail or ChannelSMS.
	Channel string
	// Send is SendCode (the default) or SendLink.
	Send string
	// Email is the address for ChannelEmail.
	Email string
	// PhoneNumber is the number for ChannelSMS, in E.164 form.
	PhoneNumber string
	// AuthParams are the authorization parameters a magic link carries
	// (scope, state, redirect_uri, ...).
	AuthParams map[string]any
}

// StartPasswordless sends a one-time code or link (POST
// /passwordless/start). Finish a code login with VerifyPasswordless.
func (c *Client) StartPasswordless(ctx context.Context, p PasswordlessParams) error {
	send := p.Send
	if send == "" {
		send = SendCode
	}
	sendAs := auth0auth.PasswordlessStartBodySend(send)
	body := auth0auth.PasswordlessStartBody{
		ClientID: c.clientID, Connection: auth0auth.PasswordlessStartBodyConnection(p.Channel),
		Send: &sendAs,
	}
	switch p.Channel {
	case ChannelEmail:
		if p.Email == "" {
			return errors.New("auth0: passwordless e-mail needs Email")
		}
		e := p.Email
		body.Email = &e
	case ChannelSMS:
		if p.PhoneNumber == "" {
			return errors.New("auth0: passwordless SMS needs PhoneNumber")
		}
		if send == SendLink {
			return errors.New("auth0: magic links go by e-mail only")
		}
		body.PhoneNumber = &p.PhoneNumber
	default:
		return fmt.Errorf("auth0: passwordless channel %q (want email or sms)", p.Channel)
	}
	if send != SendCode && send != SendLink {
		return fmt.Errorf("auth0: passwordless send %q (want code or link)", send)
	}
	body.AuthParams = p.AuthParams
	if s := c.secret.Reveal(); s != "" {
		body.ClientSecret = &s
	}
	_, err := c.api.Passwordless.Start(ctx, body)
	return err
}

// VerifyPasswordless exchanges the one-time code sent to username (the
// e-mail address or phone number) for tokens, with Auth0's passwordless
// OTP grant. channel is ChannelEmail or ChannelSMS.
func (c *Client) VerifyPasswordless(ctx context.Context, channel, username, code, scope, audience string, opts ...TokenOption) (*Token, error) {
	if channel != ChannelEmail && channel != ChannelSMS {
		return nil, fmt.Errorf("auth0: passwordless channel %q (want email or sms)", channel)
	}
	body := map[string]any{"grant_type": GrantPasswordlessOTP, "realm": channel, "username": username, "otp": code}
	setIf(body, "scope", scope)
	setIf(body, "audience", audience)
	return c.jsonGrant(ctx, "VerifyPasswordless", body, collect(opts))
}
