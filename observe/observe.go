// Package observe is the one hook through which the SDK reports what it
// does: every call of a generated client, every HTTP attempt the retry
// layer makes and every token a Cache fetches or refreshes. It names no
// vendor and imports nothing beyond the standard library and the SDK's own
// errors, so the core packages depend on it freely.
//
// Log (used by the clients' WithLogger and auth.WithCacheLogger) writes one
// slog record per attempt and per token fetch. The optional otel package
// (github.com/idsdk/idsdk-go/otel) turns the same reports into
// OpenTelemetry spans, events and counters. Join combines observers.
//
// What an observer receives never holds a secret: URLs come without query,
// fragment or user information, headers are not passed at all, and errors
// are meant to be printed through SafeError.
package observe

import (
	"context"
	"time"
)

// Observer receives the SDK's reports. Its methods are called from the
// goroutine doing the work, so they must be quick and safe for concurrent
// use; they must not keep the pointers they are given past their return
// (except a Call between StartCall and EndCall).
type Observer interface {
	// StartCall is told that a call of a generated client begins. The
	// context it returns is the one the call runs under (it may carry a
	// span); return ctx unchanged otherwise.
	StartCall(ctx context.Context, c *Call) context.Context
	// Attempt is told about each HTTP attempt once it is over and the
	// retry layer has decided whether another one follows.
	Attempt(ctx context.Context, a *Attempt)
	// EndCall is told that the call started by StartCall is over; ctx is
	// the context StartCall returned and err what the call returns.
	EndCall(ctx context.Context, c *Call, err error)
	// Token is told about each token a Cache asked its source for.
	Token(ctx context.Context, t *Token)
}

// Call describes one call of a generated client.
type Call struct {
	API       string // "auth0mgmt"
	Operation string // the operation's name, e.g. "GetUsers"
	Method    string // HTTP method
	// URL is the request URL without query, fragment or user information.
	URL string
	// Template is the low-cardinality path of the operation, with its
	// parameters in braces: "/api/v2/users/{id}".
	Template string
	Start    time.Time
	// Attempts and Status are updated after each attempt: how many were
	// made and the status of the latest one (0: no answer).
	Attempts int
	Status   int
	// Duration is set when the call ends.
	Duration time.Duration
}

// Attempt describes one HTTP attempt of a request.
type Attempt struct {
	// Call is the call the attempt belongs to, nil for a request sent
	// outside a generated client (retry.Policy used on its own).
	Call   *Call
	Method string
	// URL is the request URL without query, fragment or user information.
	URL string
	// N counts the attempts of the request from 1.
	N int
	// Status is the answer's status, 0 when there was none (Err is set).
	Status int
	// Err is the transport error of the attempt, as an
	// *errors.RequestError whose text leaves out the URL's query and user
	// information (errors.Is and errors.As reach the cause).
	Err error
	// ErrorClass sorts Err: "dial", "timeout", "reset", "eof",
	// "transport", or "canceled" when the request's context ended.
	ErrorClass string
	Duration   time.Duration
	// Retry says another attempt follows, after Wait; Reason says why
	// ("status 503", "reset") or, when a failed attempt is not repeated,
	// why not (one of the GiveUp values). Reason is empty for an attempt
	// that did not fail. With GiveUpRetryAfter, Wait is the wait the
	// server asked for.
	Retry  bool
	Reason string
	Wait   time.Duration
}

// Reasons a failed attempt is not repeated (Attempt.Reason).
const (
	GiveUpNoRetriesLeft = "no retries left"
	GiveUpRetryAfter    = "server asks for a longer wait than allowed"
	GiveUpDeadline      = "the wait would pass the request deadline"
	GiveUpNotRepeatable = "the request may have been processed"
)

// Token describes one token request of a Cache.
type Token struct {
	// Kind is the kind of credential: "client_credentials",
	// "private_key_jwt", "refresh_token", "func", "static", "fake" or the
	// Go type of a source the SDK does not know.
	Kind string
	// Refresh says a token was held before (a refresh); false for the
	// first fetch.
	Refresh bool
	// Err is the failure, nil on success; print it with SafeError.
	Err error
	// Expiry is the new token's expiry, zero when it has none or on
	// failure.
	Expiry   time.Time
	Duration time.Duration
}

// Outcome is "ok" when t succeeded and "error" otherwise.
func (t *Token) Outcome() string {
	if t.Err != nil {
		return "error"
	}
	return "ok"
}

// Nop does nothing; embed it to implement only some methods.
type Nop struct{}

// StartCall returns ctx.
func (Nop) StartCall(ctx context.Context, _ *Call) context.Context { return ctx }

// Attempt does nothing.
func (Nop) Attempt(context.Context, *Attempt) {}

// EndCall does nothing.
func (Nop) EndCall(context.Context, *Call, error) {}

// Token does nothing.
func (Nop) Token(context.Context, *Token) {}

// Join returns an observer that reports to each of obs in order (nil
// entries are skipped): nil when none is left, the observer itself when
// one is.
func Join(obs ...Observer) Observer {
	var list multi
	for _, o := range obs {
		switch o := o.(type) {
		case nil:
		case multi:
			list = append(list, o...)
		default:
			list = append(list, o)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

type multi []Observer

func (m multi) StartCall(ctx context.Context, c *Call) context.Context {
	for _, o := range m {
		ctx = o.StartCall(ctx, c)
	}
	return ctx
}

func (m multi) Attempt(ctx context.Context, a *Attempt) {
	for _, o := range m {
		o.Attempt(ctx, a)
	}
}

func (m multi) EndCall(ctx context.Context, c *Call, err error) {
	for i := len(m) - 1; i >= 0; i-- {
		m[i].EndCall(ctx, c, err)
	}
}

func (m multi) Token(ctx context.Context, t *Token) {
	for _, o := range m {
		o.Token(ctx, t)
	}
}

// callKey carries the *Call of the call in progress.
type callKey struct{}

// WithCall returns a copy of ctx that carries c, so that the layers below
// a generated client (the retry transport) can tie their reports to it.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallFrom returns the call ctx carries, or nil.
func CallFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}
