// Package retry is the retry policy every API client of idsdk-go uses.
//
// A [Policy] becomes an [http.RoundTripper] through [Policy.Transport]; the
// transport is meant to sit inside the http.Client that an API client owns:
//
//	client := &http.Client{Transport: retry.Default().Transport(nil)}
//
// Underneath, github.com/hashicorp/go-retryablehttp runs the attempt loop;
// this package decides what may be repeated, how long to wait, and what the
// caller gets back.
//
// # What is retried
//
// Transport errors and the statuses 408, 429, 500, 502, 503 and 504 are
// retried, plus any 5xx status other than 501 that [Policy.RetryStatuses]
// adds for one API. 501, every other 4xx, and all 1xx, 2xx and 3xx answers
// are handed back at once. Errors that another attempt cannot fix (an
// untrusted certificate, an unsupported URL scheme, a malformed request) are
// not retried either, nor is an error with a RetryableError() bool method
// that returns false, such as the *auth.TokenError of a token that could not be
// had (the token cache's own backoff decides when to ask again).
//
// A request that the server may already have processed is repeated only when
// that is safe. GET, HEAD, OPTIONS, PUT and DELETE are safe. Any other method
// (POST, PATCH, ...) is repeated only
//
//   - after a 429 or 503 answer, which says the request was not processed;
//   - after a dial error (a *net.OpError whose Op is "dial", such as
//     "connection refused"), where no byte of the request was sent;
//   - when the request carries an Idempotency-Key (or X-Idempotency-Key)
//     header;
//   - when its context was marked with [WithIdempotent];
//   - when [Policy.Idempotent] returns true for it.
//
// # Waiting
//
// Between attempts the transport waits with exponential backoff: MinWait,
// then twice that, and so on up to MaxWait, with jitter (half of each step is
// fixed, the other half random). When the server names a wait, that wait is
// used instead: Retry-After (seconds or an HTTP date) on any retried status,
// and X-RateLimit-Reset on a 429. If the server's wait is longer than
// MaxRetryAfter, the transport does not sleep at all: it hands back that
// response at once, so the caller can report a rate-limit error that carries
// the wait. Likewise, when the request context has a deadline that would pass
// during a wait, the last answer is handed back without waiting.
//
// Every wait ends as soon as the request context ends; the transport then
// returns the context's error.
//
// # What the caller gets
//
// The final response, whether a success, an error status that is not retried,
// or the last retried status once the retries are used up, is returned as it
// came from the server, with its body unread and open. A transport error on
// the last attempt is returned as an error that wraps the original one, so
// errors.Is works with, say, context.DeadlineExceeded or
// syscall.ECONNREFUSED.
//
// The transport never follows redirects itself: a 3xx answer is handed back
// to the http.Client that owns the transport, which decides.
//
// Request bodies are replayed byte for byte on every attempt. A request with
// GetBody set (as http.NewRequest makes for in-memory bodies) is rewound
// through GetBody; any other body is read into memory once, before the first
// attempt.
//
// # Per-attempt timeout
//
// With AttemptTimeout set, each attempt runs under its own deadline, derived
// from the request context. The deadline also covers reading the response
// body, so a body that stalls part way is cut off; it is released when the
// body is read to the end or closed.
//
// # Logging
//
// With Logger set, the transport writes one record per attempt through
// observe.Log: Debug, with the method, scheme://host/path of the URL, the
// attempt number, the status or a short error class, the duration, and
// why the attempt is repeated (with the wait) or why a failed one is not;
// Warn when it gives up because the server asked for a wait longer than
// MaxRetryAfter. Query strings, user info and headers are never logged.
// Observer receives the same reports (observe.Attempt), for metrics or
// traces.
//
// # Defaults
//
// [Default] returns, and a zero field of a Policy means:
//
//	MaxRetries      3      (retries after the first attempt; a zero field means none)
//	MinWait         250ms  (a zero field means 250ms)
//	MaxWait         5s     (a zero field means 5s)
//	MaxRetryAfter   30s    (a zero field means 30s)
//	AttemptTimeout  30s    (a zero field means no per-attempt timeout)
//	RetryStatuses   none
//	Idempotent      nil
//	Logger          nil    (no logs)
//	Observer        nil
//
// [Off] is [Default] with MaxRetries set to 0: every request is sent once.
package retry
