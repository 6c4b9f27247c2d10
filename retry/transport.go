package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact"
	"github.com/idsdk/idsdk-go/observe"
)

// Transport returns an [http.RoundTripper] that sends requests through base
// (http.DefaultTransport when nil) and repeats them as the policy says. The
// policy is copied: later changes to p do not affect the result. A nil p is
// [Default]. Transport may be called any number of times; each result is
// safe for concurrent use.
//
// The result never follows redirects and holds no cookies; those belong to
// the http.Client that uses it. Its CloseIdleConnections method, which
// http.Client.CloseIdleConnections calls, is passed on to base.
func (p *Policy) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{s: p.settings(), base: base}
}

// transport is the RoundTripper that Policy.Transport builds.
type transport struct {
	s    settings
	base http.RoundTripper // as given, for CloseIdleConnections
}

// attempt sends one attempt of req through base, with its own deadline
// when the policy sets an attempt timeout.
func (t *transport) attempt(req *http.Request) (*http.Response, error) {
	if t.s.attemptTimeout > 0 {
		return timedAttempt(t.base, t.s.attemptTimeout, req)
	}
	return t.base.RoundTrip(req)
}

// attempts is the transport of the client that go-retryablehttp drives:
// one attempt per RoundTrip. It deliberately lacks CloseIdleConnections,
// so go-retryablehttp giving up on one request does not close the idle
// connections that other requests share.
type attempts transport

// RoundTrip sends one attempt.
func (a *attempts) RoundTrip(req *http.Request) (*http.Response, error) {
	return (*transport)(a).attempt(req)
}

// noRedirects is the CheckRedirect of the client go-retryablehttp drives:
// the caller's http.Client follows redirects, not the retry transport.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// CloseIdleConnections closes the idle connections of the base transport, if
// it can.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RoundTrip sends req, repeating it as the policy allows, and returns the
// final response untouched or the last transport error.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.s.maxRetries == 0 {
		var start time.Time
		if t.s.observer != nil {
			start = time.Now()
		}
		resp, err := t.attempt(req)
		if t.s.observer != nil {
			c := newCall(&t.s, req)
			c.start = start
			c.checkRetry(req.Context(), resp, err)
		}
		if resp != nil {
			resp.Request = req
		}
		return resp, err
	}

	// A request whose body can be sent again without buffering it gets its
	// first attempt straight through the attempt transport: the common
	// case, an answer that needs no retry, then costs nothing more.
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return t.firstAttempt(req)
	}
	return t.retryable(newCall(&t.s, req), req, t.s.maxRetries)
}

func newCall(s *settings, req *http.Request) *call {
	return &call{s: s, orig: req, repeatable: s.repeatable(req)}
}

// firstAttempt sends req once and hands it to go-retryablehttp only when
// the policy wants another attempt.
func (t *transport) firstAttempt(req *http.Request) (*http.Response, error) {
	var start time.Time
	if t.s.observer != nil {
		start = time.Now()
	}
	resp, err := t.attempt(req)
	if err == nil && !t.s.retryStatus(resp.StatusCode) {
		if t.s.observer != nil {
			report(&t.s, req, 1, start, resp, nil, false, "", 0)
		}
		resp.Request = req
		return resp, nil
	}
	c := newCall(&t.s, req)
	c.start = start
	if again, _ := c.checkRetry(req.Context(), resp, err); !again {
		if resp != nil {
			resp.Request = req
		}
		return resp, err
	}
	if resp != nil {
		redact.Drain(resp.Body)
	}
	timer := time.NewTimer(c.wait)
	select {
	case <-req.Context().Done():
		timer.Stop()
		return nil, req.Context().Err()
	case <-timer.C:
	}
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("retry: rewinding the request body: %w", err)
		}
		r2 := new(http.Request)
		*r2 = *req
		r2.Body = body
		req = r2
	}
	return t.retryable(c, req, t.s.maxRetries-1)
}

// retryable sends req through go-retryablehttp, with at most maxRetries
// attempts after the first one it makes.
func (t *transport) retryable(c *call, req *http.Request, maxRetries int) (*http.Response, error) {
	// A shallow copy, so that go-retryablehttp can set Body and GetBody
	// without touching the caller's request.
	out := new(http.Request)
	*out = *req
	c.req.Request = out
	if err := c.setBody(req); err != nil {
		return nil, err
	}
	// The client go-retryablehttp drives: no redirects, no cookie jar, no
	// overall timeout; made for this call, as retries are rare.
	c.inner = http.Client{Transport: (*attempts)(t), CheckRedirect: noRedirects}
	c.client = retryablehttp.Client{
		HTTPClient:   &c.inner,
		Logger:       nil,
		RetryWaitMin: t.s.minWait,
		RetryWaitMax: t.s.maxWait,
		RetryMax:     maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: c.giveUp,
	}
	if t.s.observer != nil {
		c.client.RequestLogHook = c.attemptStarts
	}
	resp, err := c.client.Do(&c.req)
	if resp != nil {
		resp.Request = c.orig
	}
	return resp, err
}

// call is one RoundTrip through go-retryablehttp: its settings, the request
// and what the policy decided after the latest attempt.
type call struct {
	s          *settings
	orig       *http.Request
	repeatable bool // safe to send again even if processed
	attempts   int  // attempts made so far
	wait       time.Duration
	start      time.Time // of the latest attempt, when observed

	req    retryablehttp.Request
	client retryablehttp.Client
	inner  http.Client // what client sends through
}

// setBody makes the request body replayable: through GetBody when the
// request has it, otherwise by reading the body into memory once. The
// caller's body is always closed, as a RoundTripper must.
func (c *call) setBody(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	if req.GetBody != nil {
		req.Body.Close()
		getBody := req.GetBody
		err := c.req.SetBody(retryablehttp.ReaderFunc(func() (io.Reader, error) {
			return getBody()
		}))
		// SetBody guesses the length from the reader; the request knows it.
		c.req.ContentLength = req.ContentLength
		return err
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return fmt.Errorf("retry: reading the request body: %w", err)
	}
	return c.req.SetBody(data)
}

// checkRetry is go-retryablehttp's CheckRetry: it decides after each attempt
// whether to send the request again, and if so how long to wait first,
// and reports the attempt to the observer. It never returns an error: the
// response or the transport error of the attempt is what the caller gets
// when it says no.
func (c *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c.attempts++
	again, reason := c.decide(ctx, resp, err)
	if c.s.observer != nil {
		wait := time.Duration(0)
		if again || reason == observe.GiveUpRetryAfter {
			wait = c.wait
		}
		report(c.s, c.orig, c.attempts, c.start, resp, err, again, reason, wait)
	}
	return again, nil
}

// decide says whether the attempt just made is repeated, and why or, for
// a failed attempt that is not, why not (an observe.GiveUp value); it sets
// c.wait.
func (c *call) decide(ctx context.Context, resp *http.Response, err error) (again bool, reason string) {
	if ctx.Err() != nil {
		return false, ""
	}
	var (
		wait  time.Duration
		fixed bool // wait named by the server
	)
	if err != nil {
		class, ok := classifyError(err)
		if !ok {
			return false, ""
		}
		if !c.repeatable && class != classDial {
			return false, observe.GiveUpNotRepeatable
		}
		reason = class
	} else {
		code := resp.StatusCode
		if !c.s.retryStatus(code) {
			return false, ""
		}
		if !c.repeatable && !notProcessed(code) {
			return false, observe.GiveUpNotRepeatable
		}
		reason = "status " + strconv.Itoa(code)
		wait, fixed = serverWait(resp, time.Now())
	}
	if c.attempts > c.s.maxRetries {
		return false, observe.GiveUpNoRetriesLeft
	}
	if fixed && wait > c.s.maxRetryAfter {
		c.wait = wait
		return false, observe.GiveUpRetryAfter
	}
	if !fixed {
		wait = c.s.backoff(c.attempts - 1)
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		return false, observe.GiveUpDeadline
	}
	c.wait = wait
	return true, reason
}

// attemptStarts is go-retryablehttp's RequestLogHook, set when attempts are
// observed: it notes when each attempt starts.
func (c *call) attemptStarts(retryablehttp.Logger, *http.Request, int) {
	c.start = time.Now()
}

// backoff is go-retryablehttp's Backoff: the wait checkRetry chose.
func (c *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return c.wait
}

// giveUp is go-retryablehttp's ErrorHandler. A response is handed back as it
// came, body unread; a transport error is returned wrapped.
func (c *call) giveUp(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil {
		return resp, nil
	}
	if err == nil {
		// Not expected: checkRetry never asks for a retry it cannot make.
		err = errors.New("retry: no response")
	}
	// The inner http.Client wraps errors in a *url.Error naming the URL,
	// query included; the caller's http.Client adds its own.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	// c.attempts counts the first attempt too, when it was made before
	// go-retryablehttp took over.
	if c.attempts > 1 {
		return nil, fmt.Errorf("retry: %d attempts: %w", c.attempts, err)
	}
	return nil, err
}

// report tells the observer about attempt n of req, started at start,
// and updates the call it belongs to.
func report(s *settings, req *http.Request, n int, start time.Time, resp *http.Response, err error, again bool, reason string, wait time.Duration) {
	ctx := req.Context()
	a := observe.Attempt{
		Call:     observe.CallFrom(ctx),
		Method:   methodOf(req),
		URL:      logURL(req.URL),
		N:        n,
		Err:      err,
		Duration: time.Since(start),
		Retry:    again,
		Reason:   reason,
		Wait:     wait,
	}
	if resp != nil {
		a.Status = resp.StatusCode
	}
	if err != nil {
		if ctx.Err() != nil {
			a.ErrorClass = "canceled"
		} else {
			a.ErrorClass, _ = classifyError(err)
		}
		// Its text and every fmt verb leave out the URL's query, which a
		// *url.Error quotes.
		a.Err = &sdkerrors.RequestError{Err: err}
	}
	if a.Call != nil {
		a.Call.Attempts, a.Call.Status = n, a.Status
	}
	s.observer.Attempt(ctx, &a)
}

func methodOf(req *http.Request) string {
	if req.Method == "" {
		return http.MethodGet
	}
	return req.Method
}

// logURL renders u as scheme://host/path, without user info, query or
// fragment.
func logURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	return redact.SafeURL(u)
}
