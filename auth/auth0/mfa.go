package auth0

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/idsdk/idsdk-go/gen/auth0auth"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// MFA challenge types.
const (
	// ChallengeOTP asks for a code from an authenticator app.
	ChallengeOTP = "otp"
	// ChallengeOOB sends a push notification, SMS or voice message.
	ChallengeOOB = "oob"
)

// MFAChallenge is Auth0's answer to a challenge request.
type MFAChallenge struct {
	// ChallengeType is "otp" or "oob".
	ChallengeType string
	// OOBCode goes to VerifyMFAOOB (oob challenges).
	OOBCode string
	// BindingMethod is "prompt" when the user must type a binding code
	// (the code received by SMS) into the app.
	BindingMethod string
}

// String shows the challenge type and binding method, not the OOB code.
func (m MFAChallenge) String() string {
	return fmt.Sprintf("auth0.MFAChallenge{ChallengeType: %q, BindingMethod: %q, OOBCode: %s}", m.ChallengeType, m.BindingMethod, redact.Placeholder)
}

// GoString is String.
func (m MFAChallenge) GoString() string { return m.String() }

// Format prints String for every verb.
func (m MFAChallenge) Format(f fmt.State, verb rune) { redact.Format(f, verb, m.String()) }

// LogValue keeps the OOB code out of slog output.
func (m *MFAChallenge) LogValue() slog.Value { return redact.PointerLogValue(m) }

// MarshalJSON writes String.
func (m MFAChallenge) MarshalJSON() ([]byte, error) { return redact.JSON(m.String()) }

// MFAChallenge asks Auth0 to challenge the user with a second factor
// (POST /mfa/challenge). mfaToken comes from the mfa_required error of a
// token request (errors.Auth0AuthError.MFAToken); challengeType is ChallengeOTP
// or ChallengeOOB; authenticatorID may be empty to let Auth0 choose.
func (c *Client) MFAChallenge(ctx context.Context, mfaToken, challengeType, authenticatorID string) (*MFAChallenge, error) {
	if mfaToken == "" {
		return nil, errors.New("auth0: MFAChallenge needs the mfa_token of an mfa_required error")
	}
	body := auth0auth.MFAChallengeBody{
		ClientID: c.clientID, MFAToken: mfaToken,
		ChallengeType: auth0auth.MFAChallengeBodyChallengeType(challengeType), AuthenticatorID: opt(authenticatorID),
	}
	if s := c.secret.Reveal(); s != "" {
		body.ClientSecret = &s
	}
	out, err := c.api.MFA.Challenge(ctx, body)
	if err != nil {
		return nil, c.scrub(err, mfaToken)
	}
	ch := &MFAChallenge{}
	if out.ChallengeType != nil {
		ch.ChallengeType = *out.ChallengeType
	}
	if out.OOBCode != nil {
		ch.OOBCode = *out.OOBCode
	}
	if out.BindingMethod != nil {
		ch.BindingMethod = *out.BindingMethod
	}
	return ch, nil
}

// VerifyMFAOTP finishes the login with a one-time password from an
// authenticator app (grant mfa-otp).
func (c *Client) VerifyMFAOTP(ctx context.Context, mfaToken, otp string, opts ...TokenOption) (*Token, error) {
	return c.jsonGrant(ctx, "VerifyMFAOTP", map[string]any{"grant_type": GrantMFAOTP, "mfa_token": mfaToken, "otp": otp}, collect(opts))
}

// VerifyMFAOOB finishes the login after an oob challenge (grant mfa-oob):
// oobCode from MFAChallenge, bindingCode when its BindingMethod was
// "prompt". Until the user approves, the error is
// "authorization_pending": call again later.
func (c *Client) VerifyMFAOOB(ctx context.Context, mfaToken, oobCode, bindingCode string, opts ...TokenOption) (*Token, error) {
	body := map[string]any{"grant_type": GrantMFAOOB, "mfa_token": mfaToken, "oob_code": oobCode}
	setIf(body, "binding_code", bindingCode)
	return c.jsonGrant(ctx, "VerifyMFAOOB", body, collect(opts))
}

// VerifyMFARecoveryCode finishes the login with a recovery code (grant
// mfa-recovery-code).
func (c *Client) VerifyMFARecoveryCode(ctx context.Context, mfaToken, recoveryCode string, opts ...TokenOption) (*Token, error) {
	return c.jsonGrant(ctx, "VerifyMFARecoveryCode", map[string]any{"grant_type": GrantMFARecoveryCode, "mfa_token": mfaToken, "recovery_code": recoveryCode}, collect(opts))
}
