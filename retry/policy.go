package retry

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/observe"
)

// Default values of a [Policy]; see the package documentation.
const (
	// DefaultMaxRetries is the number of retries [Default] allows after the
	// first attempt.
	DefaultMaxRetries = 3
	// DefaultMinWait is the first backoff step.
	DefaultMinWait = 250 * time.Millisecond
	// DefaultMaxWait is the largest backoff step.
	DefaultMaxWait = 5 * time.Second
	// DefaultMaxRetryAfter is the longest server-requested wait the transport
	// sleeps through.
	DefaultMaxRetryAfter = 30 * time.Second
	// DefaultAttemptTimeout is the time one attempt, body included, may take.
	DefaultAttemptTimeout = 30 * time.Second
)

// IdempotencyKeyHeader is the request header whose presence makes a request
// of any method safe to repeat. The transport also accepts
// "X-Idempotency-Key", which net/http treats the same way.
const IdempotencyKeyHeader = "Idempotency-Key"

// Policy says when and how the transport built by [Policy.Transport] repeats
// a request. A zero field takes the default listed in the package
// documentation. Transport copies the policy, so changing a Policy later does
// not affect transports already built, and one Policy may be used from many
// goroutines as long as nobody writes to it.
type Policy struct {
	// MaxRetries is the number of retries after the first attempt; 0 (or a
	// negative value) means the request is sent once.
	MaxRetries int
	// MinWait is the first backoff step; 0 means 250ms.
	MinWait time.Duration
	// MaxWait is the largest backoff step; 0 means 5s.
	MaxWait time.Duration
	// MaxRetryAfter caps a wait the server asks for through Retry-After or
	// X-RateLimit-Reset; 0 means 30s. A longer request is not waited for:
	// the response is handed back at once.
	MaxRetryAfter time.Duration
	// AttemptTimeout limits each attempt, including reading the response
	// body; 0 means no per-attempt limit (the request context still applies).
	AttemptTimeout time.Duration
	// RetryStatuses adds statuses to retry for one API, such as Auth0's 521,
	// 522 and 524. Only 5xx statuses other than 501 are taken; others are
	// ignored.
	RetryStatuses []int
	// Idempotent, when set, may declare more requests safe to repeat, such
	// as an API's idempotent POST operations. It must not read or change the
	// request body.
	Idempotent func(*http.Request) bool
	// Logger, when set, gets one record per attempt (observe.Log); nil
	// means no logs.
	Logger *slog.Logger
	// Observer, when set, is told about every attempt once the policy has
	// decided whether another one follows (its Attempt method), together
	// with Logger.
	Observer observe.Observer
}

// Default returns a new Policy with the default settings: 3 retries, backoff
// from 250ms to 5s, server-requested waits up to 30s, 30s per attempt.
func Default() *Policy {
	return &Policy{
		MaxRetries:     DefaultMaxRetries,
		MinWait:        DefaultMinWait,
		MaxWait:        DefaultMaxWait,
		MaxRetryAfter:  DefaultMaxRetryAfter,
		AttemptTimeout: DefaultAttemptTimeout,
	}
}

// Off returns a new Policy that sends every request exactly once. Responses
// are still handed back untouched, and the default per-attempt timeout still
// applies.
func Off() *Policy {
	p := Default()
	p.MaxRetries = 0
	return p
}

// String describes the policy as [Policy.Transport] applies it, with the
// defaults filled in. It never prints the logger's or the function's
// contents, only whether they are set.
func (p *Policy) String() string {
	s := p.settings()
	var b strings.Builder
	fmt.Fprintf(&b, "retry.Policy{MaxRetries: %d, MinWait: %s, MaxWait: %s, MaxRetryAfter: %s, AttemptTimeout: ",
		s.maxRetries, s.minWait, s.maxWait, s.maxRetryAfter)
	if s.attemptTimeout > 0 {
		b.WriteString(s.attemptTimeout.String())
	} else {
		b.WriteString("none")
	}
	fmt.Fprintf(&b, ", RetryStatuses: %v, Idempotent: %s, Logger: %s, Observer: %s}",
		s.extraStatuses.list(), setOrNot(s.idempotent != nil), setOrNot(p != nil && p.Logger != nil), setOrNot(p != nil && p.Observer != nil))
	return b.String()
}

func setOrNot(set bool) string {
	if set {
		return "set"
	}
	return "none"
}

// idempotentKey marks a context whose request may be repeated.
type idempotentKey struct{}

// WithIdempotent returns a copy of ctx that marks the request made with it as
// safe to repeat, whatever its method: for requests you send through your
// own *http.Client built on [Policy.Transport]. (The SDK's generated clients
// do not use it: they tell their transport through [Policy.Idempotent].)
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

func markedIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}

// settings is the immutable copy of a Policy that a transport works from.
type settings struct {
	maxRetries     int
	minWait        time.Duration
	maxWait        time.Duration
	maxRetryAfter  time.Duration
	attemptTimeout time.Duration
	extraStatuses  statusSet
	idempotent     func(*http.Request) bool
	observer       observe.Observer // the Observer and the Logger
}

// settings copies p and fills in the defaults. A nil Policy is [Default].
func (p *Policy) settings() settings {
	if p == nil {
		p = Default()
	}
	s := settings{
		maxRetries:     max(p.MaxRetries, 0),
		minWait:        p.MinWait,
		maxWait:        p.MaxWait,
		maxRetryAfter:  p.MaxRetryAfter,
		attemptTimeout: max(p.AttemptTimeout, 0),
		idempotent:     p.Idempotent,
		observer:       observe.Join(p.Observer, observe.Log(p.Logger)),
	}
	if s.minWait <= 0 {
		s.minWait = DefaultMinWait
	}
	if s.maxWait <= 0 {
		s.maxWait = DefaultMaxWait
	}
	if s.maxWait < s.minWait {
		s.maxWait = s.minWait
	}
	if s.maxRetryAfter <= 0 {
		s.maxRetryAfter = DefaultMaxRetryAfter
	}
	for _, code := range p.RetryStatuses {
		if code != http.StatusNotImplemented {
			s.extraStatuses.add(code)
		}
	}
	return s
}

// statusSet is a set of 5xx status codes, one bit each: a transport keeps
// its extra retry statuses in place, without a slice of its own.
type statusSet [2]uint64

// add puts code in the set when it is a 5xx status; others are ignored.
func (s *statusSet) add(code int) {
	if i := code - 500; i >= 0 && i < 100 {
		s[i/64] |= 1 << (i % 64)
	}
}

// has reports whether code is in the set.
func (s *statusSet) has(code int) bool {
	i := code - 500
	return i >= 0 && i < 100 && s[i/64]&(1<<(i%64)) != 0
}

// list is the codes of the set, in increasing order.
func (s *statusSet) list() []int {
	var codes []int
	for code := 500; code < 600; code++ {
		if s.has(code) {
			codes = append(codes, code)
		}
	}
	return codes
}
