package facade

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"

	"github.com/idsdk/idsdk-go/regions"
	"github.com/idsdk/idsdk-go/retry"
)

// WithBaseURL sends every call to base (validated: https unless loopback).
func WithBaseURL(base string) Option {
	return func(c *Config) error {
		if base == "" {
			return errors.New("empty base URL")
		}
		c.BaseURL = base
		return nil
	}
}

// WithRegion selects one of the API's servers from the regions package.
func WithRegion(s regions.Server) Option {
	return func(c *Config) error {
		if s.API != c.API {
			return fmt.Errorf("region %s is not a %s server", s, c.API)
		}
		c.Region = &s
		return nil
	}
}

// WithHTTPClient sends requests through hc; its Transport, Timeout, Jar and
// CheckRedirect are kept, with the token and retry transports in front.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Config) error {
		if hc == nil {
			return errors.New("nil HTTP client")
		}
		c.HTTPClient = hc
		return nil
	}
}

// WithToken authenticates every call with tokens from ts.
func WithToken(ts oauth2.TokenSource) Option {
	return func(c *Config) error {
		if ts == nil {
			return errors.New("nil token source")
		}
		c.Token = ts
		return nil
	}
}

// WithRetry replaces the retry policy (retry.Default() unless set;
// retry.Off() disables retries).
func WithRetry(p *retry.Policy) Option {
	return func(c *Config) error {
		if p == nil {
			return errors.New("nil retry policy (use retry.Off() to disable retries)")
		}
		c.Retry = p
		return nil
	}
}

// WithUserAgent replaces the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Config) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("user agent holds a line break")
		}
		c.UserAgent = ua
		return nil
	}
}

// WithHeader adds a header to every call.
func WithHeader(key, value string) Option {
	return func(c *Config) error {
		if key == "" || strings.ContainsAny(key+value, "\r\n") {
			return fmt.Errorf("invalid header %q", key)
		}
		if c.Header == nil {
			c.Header = http.Header{}
		}
		c.Header.Add(textproto.CanonicalMIMEHeaderKey(key), value)
		return nil
	}
}

// WithBasicAuth sets the client id and secret that operations secured by
// HTTP Basic send.
func WithBasicAuth(id string, secret auth.Secret) Option {
	return func(c *Config) error {
		if id == "" {
			return errors.New("empty client id")
		}
		c.BasicID, c.BasicSecret = id, secret
		return nil
	}
}

// WithoutTelemetry drops the API's telemetry header.
func WithoutTelemetry() Option {
	return func(c *Config) error {
		c.NoTelemetry = true
		return nil
	}
}

// Domain checks a host name given to New (an API tenant or custom domain)
// and returns it lower-cased.
func Domain(domain string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(domain))
	if d == "" {
		return "", errors.New("empty domain")
	}
	if strings.ContainsAny(d, "/?#@ \t") || strings.Contains(d, "://") {
		return "", fmt.Errorf("domain %q must be a bare host name such as tenant.example.com (no scheme or path)", domain)
	}
	return d, nil
}

// FromEnv reads the API's environment variables when the option is
// applied: tokenVar holds a bearer token, regionVar a region name of the
// regions package, baseURLVar a base URL (it wins over the region). Unset
// variables are ignored; an unknown region is an error.
func FromEnv(tokenVar, regionVar, baseURLVar string) Option {
	return func(c *Config) error {
		if v := os.Getenv(tokenVar); tokenVar != "" && v != "" {
			c.Token = auth.Bearer(v)
		}
		if v := os.Getenv(regionVar); regionVar != "" && v != "" {
			s, err := regions.Lookup(c.API, v)
			if err != nil {
				return fmt.Errorf("%s: %w", regionVar, err)
			}
			c.Region = &s
		}
		if v := os.Getenv(baseURLVar); baseURLVar != "" && v != "" {
			c.BaseURL = v
		}
		return nil
	}
}

// Int returns a pointer to n, for Config fields that tell "unset" from 0.
func Int(n int) *int { return &n }

// WithDeclaredHeader sends a header with every call of the operations
// whose document declares it as a parameter, and with no other call (a
// value given in the call's own parameters wins).
func WithDeclaredHeader(key, value string) Option {
	return func(c *Config) error {
		if key == "" || strings.ContainsAny(key+value, "\r\n") {
			return fmt.Errorf("invalid header %q", key)
		}
		if c.DeclaredHeaders == nil {
			c.DeclaredHeaders = http.Header{}
		}
		c.DeclaredHeaders.Set(key, value)
		return nil
	}
}

// WithoutAuthentication builds a client of an API that requires
// credentials without any, so that New does not fail with
// auth.ErrNoCredentials: for tests against mocks. Calls go out without
// credentials unless some are given too.
func WithoutAuthentication() Option {
	return func(c *Config) error {
		c.NoAuth = true
		return nil
	}
}

// WithCredential makes build the client's token source: New calls it once
// every option is applied, with the client's base URL, domain, audience
// and HTTP client, so that the token source and the API agree on the
// server. A client takes one credential option.
func WithCredential(build func(CredentialEnv) (oauth2.TokenSource, error)) Option {
	return func(c *Config) error {
		if build == nil {
			return errors.New("nil credential")
		}
		if c.Credential != nil {
			return errors.New("two credential options given: keep one")
		}
		c.Credential = build
		return nil
	}
}

// WithAudience replaces the audience of the tokens a credential option
// requests.
func WithAudience(aud string) Option {
	return func(c *Config) error {
		if strings.TrimSpace(aud) == "" {
			return errors.New("empty audience")
		}
		c.Audience = aud
		return nil
	}
}

// WithTimeout bounds each attempt of a call (the retry policy's
// AttemptTimeout), keeping the rest of the policy.
func WithTimeout(d time.Duration) Option {
	return func(c *Config) error {
		if d <= 0 {
			return fmt.Errorf("timeout must be positive, got %s", d)
		}
		c.Timeout = d
		return nil
	}
}

// WithMaxRetries sets how many times a failed call is repeated (0: never),
// keeping the rest of the retry policy: which answers are retried, the
// waits between attempts and Retry-After.
func WithMaxRetries(n int) Option {
	return func(c *Config) error {
		if n < 0 {
			return fmt.Errorf("max retries must not be negative, got %d", n)
		}
		c.Retries = &n
		return nil
	}
}
