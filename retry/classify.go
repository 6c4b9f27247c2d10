package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// Error classes, as logged in the "error_class" attribute.
const (
	classDial    = "dial"    // no connection was made; nothing was sent
	classTimeout = "timeout" // the attempt (or a read or write) timed out
	classReset   = "reset"   // the peer reset the connection
	classEOF     = "eof"     // the peer closed the connection early
	classOther   = "transport"
)

// safeMethod reports whether repeating a request of this method cannot do
// harm even if the server processed an earlier attempt.
func safeMethod(method string) bool {
	switch method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// hasIdempotencyKey reports whether the request carries an idempotency key.
// Like net/http, it counts the header as present even when it is empty.
func hasIdempotencyKey(h http.Header) bool {
	if h == nil {
		return false
	}
	if _, ok := h[IdempotencyKeyHeader]; ok {
		return true
	}
	_, ok := h["X-Idempotency-Key"]
	return ok
}

// repeatable reports whether req may be sent again after an attempt the
// server may have processed.
func (s *settings) repeatable(req *http.Request) bool {
	return safeMethod(req.Method) ||
		hasIdempotencyKey(req.Header) ||
		markedIdempotent(req.Context()) ||
		(s.idempotent != nil && s.idempotent(req))
}

// retryStatus reports whether an answer with this status is worth another
// attempt.
func (s *settings) retryStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return s.extraStatuses.has(code)
}

// notProcessed reports whether the status says the server did not act on the
// request, so that any request may be repeated.
func notProcessed(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}

// classifyError sorts a transport error. retryable is false for errors that
// another attempt cannot fix.
func classifyError(err error) (class string, retryable bool) {
	if permanentError(err) {
		return classOther, false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return classDial, true
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return classTimeout, true
	case errors.Is(err, syscall.ECONNRESET):
		return classReset, true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return classEOF, true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return classTimeout, true
	}
	return classOther, true
}

// retryableError is implemented by errors that know whether another
// attempt could succeed, such as *auth.TokenError (no token could be had: the
// token source's cache decides when to ask again, not the retry policy).
type retryableError interface {
	RetryableError() bool
}

// permanentError reports errors that repeat identically on every attempt,
// or that say of themselves that another attempt is no use: certificate
// problems, requests net/http refuses to send, and errors whose
// RetryableError method returns false.
func permanentError(err error) bool {
	var re retryableError
	if errors.As(err, &re) && !re.RetryableError() {
		return true
	}
	var (
		verr  *tls.CertificateVerificationError
		uaerr x509.UnknownAuthorityError
		herr  x509.HostnameError
		cierr x509.CertificateInvalidError
		rherr tls.RecordHeaderError
	)
	if errors.As(err, &verr) || errors.As(err, &uaerr) || errors.As(err, &herr) ||
		errors.As(err, &cierr) || errors.As(err, &rherr) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"unsupported protocol scheme",
		"invalid header field",
		"invalid method",
		"no Host in request URL",
		"nil Request.URL",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// backoff returns the wait before retry number n (0 for the first retry):
// a step of minWait doubled n times, capped at maxWait, of which half is
// fixed and half random.
func (s *settings) backoff(n int) time.Duration {
	step := s.minWait
	for i := 0; i < n && step < s.maxWait; i++ {
		step *= 2
	}
	step = min(step, s.maxWait)
	half := step / 2
	return step - half + rand.N(half+1)
}

// serverWait returns the wait the server asked for in resp: Retry-After on
// any status, X-RateLimit-Reset on a 429 only (many APIs send that header on
// every answer, where it describes the rate-limit window rather than a
// retry hint).
func serverWait(resp *http.Response, now time.Time) (time.Duration, bool) {
	d, ok := sdkerrors.ParseRetryAfter(resp.Header, now)
	if !ok && resp.StatusCode == http.StatusTooManyRequests {
		d, ok = sdkerrors.ParseRateLimitReset(resp.Header, now)
	}
	return max(d, 0), ok
}
