package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/lifetime"
	"github.com/idsdk/idsdk-go/internal/redact"
	"golang.org/x/oauth2"
)

// Connector defaults.
const (
	// DefaultAccessTokenPath is the token endpoint path of a Connector.
	DefaultAccessTokenPath = "/oauth/token"
	// DefaultConnectorMargin is how long before expiry a Connector stops
	// reusing its token.
	DefaultConnectorMargin = 60 * time.Second
	// maxErrorBody bounds the response body a ConnectorStatusError keeps.
	maxErrorBody = 4 << 10
)

// Errors of a Connector's token response checks. Each is matched with
// errors.Is.
var (
	// ErrMissingTokenType: the token response had no token_type.
	ErrMissingTokenType = errors.New("auth: token response has no token_type")
	// ErrUnsupportedTokenType: the token_type is not "bearer" (in any case);
	// the error is a *TokenTypeError naming the type.
	ErrUnsupportedTokenType = errors.New("auth: token type is not bearer")
	// ErrEmptyAccessToken: the token response had no or an empty access_token.
	ErrEmptyAccessToken = errors.New("auth: token response has an empty access_token")
)

// TokenTypeError is returned when a token response names a token type other
// than bearer. It matches ErrUnsupportedTokenType.
type TokenTypeError struct {
	// Type is the token_type the server sent.
	Type string
}

// Error names the type.
func (e *TokenTypeError) Error() string {
	return fmt.Sprintf("auth: token type %q is not bearer", clip(e.Type, 64))
}

// Is matches ErrUnsupportedTokenType.
func (e *TokenTypeError) Is(target error) bool { return target == ErrUnsupportedTokenType }

// ConnectorStatusError is a non-2xx answer from the token endpoint. A 401
// matches ErrInvalidCredentials and sdkerrors.ErrUnauthorized; every status
// matches its sdkerrors sentinels (errors.Is).
//
// Its text (Error, every fmt verb, %#v, slog) gives the status, the OAuth
// code and the size of the body, never the body itself.
type ConnectorStatusError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the OAuth "error" of the body, when there was one.
	Code string
	// Body is the start of the response body (at most 4 KiB), with the
	// client secret replaced by "[redacted]" should the server echo it.
	// It is never printed: read it yourself when you need it.
	Body string
}

// Error gives the status, the OAuth code when present, or the size of the
// body.
func (e *ConnectorStatusError) Error() string {
	s := fmt.Sprintf("auth: token endpoint answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.StatusCode == http.StatusUnauthorized {
		s = "auth: invalid client credentials (token endpoint answered 401)"
	}
	if e.Code != "" {
		s += ": " + clip(e.Code, 100)
	} else if e.Body != "" {
		s += fmt.Sprintf(" (%d-byte body)", len(e.Body))
	}
	return s
}

// GoString gives the fields without the body, only its size.
func (e *ConnectorStatusError) GoString() string {
	return fmt.Sprintf("&auth.ConnectorStatusError{StatusCode:%d, Code:%q, Body:<%d bytes>}", e.StatusCode, clip(e.Code, 100), len(e.Body))
}

// Format prints Error for every verb, GoString for %#v.
func (e *ConnectorStatusError) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		redact.Format(f, 's', e.GoString())
		return
	}
	redact.Format(f, verb, e.Error())
}

// LogValue logs Error.
func (e *ConnectorStatusError) LogValue() slog.Value { return redact.LogValue(e.Error()) }

// Is matches ErrInvalidCredentials for 401 and the codes of
// sdkerrors.InvalidClient, and the sdkerrors sentinels of the status.
func (e *ConnectorStatusError) Is(target error) bool {
	if target == ErrInvalidCredentials || target == sdkerrors.ErrUnauthorized {
		if e.StatusCode == http.StatusUnauthorized || sdkerrors.InvalidClient(e.StatusCode, e.Code) {
			return true
		}
	}
	for _, s := range sdkerrors.Sentinels(e.StatusCode) {
		if s == target {
			return true
		}
	}
	return false
}

// TransportError is returned when the token endpoint could not be reached
// or its answer could not be read (connection refused, reset, timeout). It
// wraps the net error; it also matches sdkerrors.ErrUnavailable, and
// sdkerrors.ErrTimeout for timeouts.
type TransportError struct {
	// Err is the error of the HTTP client.
	Err error
}

// Error wraps the cause.
func (e *TransportError) Error() string { return "auth: token endpoint unreachable: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Is matches sdkerrors.ErrUnavailable, and sdkerrors.ErrTimeout for a
// timeout.
func (e *TransportError) Is(target error) bool {
	switch target {
	case sdkerrors.ErrUnavailable:
		return true
	case sdkerrors.ErrTimeout:
		return isTimeout(e.Err)
	}
	return false
}

// ConnectorOption configures a Connector.
type ConnectorOption func(*Connector)

// WithAccessTokenPath sets the token endpoint path (default "/oauth/token").
func WithAccessTokenPath(path string) ConnectorOption {
	return func(c *Connector) { c.path = path }
}

// WithScopes sets the scopes, sent space-joined as "scope" (omitted when
// there are none).
func WithScopes(scopes ...string) ConnectorOption {
	return func(c *Connector) { c.scopes = append([]string(nil), scopes...) }
}

// WithReuseMargin sets how long before its expiry the token stops being
// reused (default 60 s).
func WithReuseMargin(d time.Duration) ConnectorOption {
	return func(c *Connector) { c.margin = d }
}

// WithConnectorHTTPClient sets the HTTP client for token requests (default
// http.DefaultClient).
func WithConnectorHTTPClient(hc *http.Client) ConnectorOption {
	return func(c *Connector) { c.hc = hc }
}

// WithRawBasicAuth sends the client id and secret in HTTP Basic as they
// are, without the form-urlencoding of RFC 6749 section 2.3.1 (the Ruby
// access_token_agent gem's behaviour). Use it only for a server that does
// not decode the credentials: the two differ only for ids and secrets with
// characters such as "+", "%", "&", "=" or "/", which a conforming server
// otherwise refuses.
func WithRawBasicAuth() ConnectorOption {
	return func(c *Connector) { c.rawBasic = true }
}

// WithFakeToken puts the Connector in fake mode: it hands out token and
// never touches the network.
func WithFakeToken(token string) ConnectorOption {
	return func(c *Connector) { c.fake = Secret(token) }
}

// Connector gets and reuses client-credentials tokens from one host: a
// form POST of grant_type=client_credentials (and scope) to host +
// AccessTokenPath with HTTP Basic client authentication (id and secret
// form-urlencoded first, as RFC 6749 section 2.3.1 asks; see
// WithRawBasicAuth), the behaviour of the Ruby access_token_agent gem.
//
// A Connector is a value you create once per client (with NewConnector) and
// share: it is safe for concurrent use, concurrent callers share one token
// request, and the token is reused until 60 s before its expiry. Keep it in
// your application's struct or pass it to whoever needs it; there is no
// package-level instance.
type Connector struct {
	host     string
	clientID string
	secret   Secret
	path     string
	scopes   []string
	margin   time.Duration
	hc       *http.Client
	fake     Secret
	rawBasic bool
	shared   SharedStore // WithConnectorShared (shared.go)

	mu      sync.Mutex
	tok     *oauth2.Token
	dropped *oauth2.Token // the token Invalidate dropped: never taken back from a shared store
	flight  *call
}

// NewConnector returns a Connector for the token endpoint at host (a base
// URL such as "https://id.example.com") with the client's id and secret.
func NewConnector(host, clientID string, clientSecret Secret, opts ...ConnectorOption) *Connector {
	c := &Connector{
		host:     strings.TrimRight(host, "/"),
		clientID: clientID,
		secret:   clientSecret,
		path:     DefaultAccessTokenPath,
		margin:   DefaultConnectorMargin,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// TokenURL is the URL tokens are requested from.
func (c *Connector) TokenURL() string {
	p := c.path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return c.host + p
}

// Token returns the current token, requesting a new one when there is none
// or it expires within the reuse margin.
func (c *Connector) Token(ctx context.Context) (*oauth2.Token, error) {
	if c.fake != "" {
		return &oauth2.Token{AccessToken: c.fake.Reveal(), TokenType: "Bearer"}, nil
	}
	c.mu.Lock()
	if t := c.tok; t != nil && (t.Expiry.IsZero() || time.Until(t.Expiry) > c.margin) {
		c.mu.Unlock()
		return t, nil
	}
	f := c.flight
	if f == nil {
		f = &call{done: make(chan struct{})}
		c.flight = f
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultRefreshTimeout)
		base := c.tok
		if base == nil {
			base = c.dropped
		}
		go func() {
			defer cancel()
			var tok *oauth2.Token
			var err error
			if c.shared != nil {
				tok, err = c.fetchShared(rctx, base)
			} else {
				tok, err = c.fetch(rctx)
			}
			c.mu.Lock()
			if err == nil {
				c.tok = tok
			}
			f.tok, f.err = tok, err
			c.flight = nil
			c.mu.Unlock()
			close(f.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// AuthorizationHeader returns the value of the Authorization header:
// "Bearer <token>".
func (c *Connector) AuthorizationHeader(ctx context.Context) (string, error) {
	t, err := c.Token(ctx)
	if err != nil {
		return "", err
	}
	return "Bearer " + t.AccessToken, nil
}

// TokenSource returns the Connector as a ContextSource, for Transport.
func (c *Connector) TokenSource() ContextSource { return connectorSource{c} }

type connectorSource struct{ c *Connector }

// Token implements oauth2.TokenSource with context.Background.
func (s connectorSource) Token() (*oauth2.Token, error) { return s.c.Token(context.Background()) }

// TokenContext implements ContextSource.
func (s connectorSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	return s.c.Token(ctx)
}

// Invalidate drops tok if it is still the Connector's token.
func (c *Connector) Invalidate(tok *oauth2.Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tok != nil && c.tok != nil && c.tok.AccessToken == tok.AccessToken {
		c.tok, c.dropped = nil, c.tok
	}
}

// Invalidate passes on to the Connector.
func (s connectorSource) Invalidate(tok *oauth2.Token) { s.c.Invalidate(tok) }

// String describes the source without tokens or secrets.
func (s connectorSource) String() string { return s.c.String() }

// fetch makes one token request and checks the answer.
func (c *Connector) fetch(ctx context.Context) (*oauth2.Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(c.scopes) > 0 {
		form.Set("scope", strings.Join(c.scopes, " "))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.TokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("auth: building token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if c.rawBasic {
		req.Header.Set("Authorization", basicAuth(c.clientID, c.secret.Reveal()))
	} else {
		req.Header.Set("Authorization", ClientBasicAuth(c.clientID, c.secret))
	}
	hc := c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &TransportError{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &TransportError{Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &ConnectorStatusError{StatusCode: resp.StatusCode}
		var oe struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &oe) == nil {
			e.Code = oe.Error
		}
		if len(body) > maxErrorBody {
			body = body[:maxErrorBody]
		}
		e.Body = string(body)
		return nil, redact.ScrubError(e, append(redact.Basic(c.clientID, c.secret.Reveal()), c.secret.Reveal())...)
	}
	var tr struct {
		AccessToken string      `json:"access_token"`
		TokenType   string      `json:"token_type"`
		ExpiresIn   json.Number `json:"expires_in"`
		ExpiresAt   json.Number `json:"expires_at"`
		Scope       string      `json:"scope"`
		Refresh     string      `json:"refresh_token"`
	}
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("auth: token response is not JSON: %w", err)
	}
	switch {
	case tr.TokenType == "":
		return nil, ErrMissingTokenType
	case !strings.EqualFold(tr.TokenType, "bearer"):
		return nil, &TokenTypeError{Type: tr.TokenType}
	case tr.AccessToken == "":
		return nil, ErrEmptyAccessToken
	}
	tok := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: "Bearer", RefreshToken: tr.Refresh}
	extra := map[string]any{}
	if tr.ExpiresIn != "" {
		extra["expires_in"] = tr.ExpiresIn
	}
	if tr.ExpiresAt != "" {
		extra["expires_at"] = tr.ExpiresAt
	}
	return lifetime.FromResponse(tok.WithExtra(extra), start), nil
}

// String describes the Connector without its secret or token.
func (c *Connector) String() string {
	if c == nil {
		return "auth.Connector(nil)"
	}
	mode := ""
	if c.fake != "" {
		mode = ", fake"
	}
	return fmt.Sprintf("auth.Connector{TokenURL: %q, ClientID: %q, ClientSecret: %s, Scopes: %q%s}",
		c.TokenURL(), c.clientID, redacted, c.scopes, mode)
}

// GoString is String.
func (c *Connector) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Connector) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c.String()) }

// LogValue keeps secrets out of slog output.
func (c *Connector) LogValue() slog.Value { return slog.StringValue(c.String()) }
