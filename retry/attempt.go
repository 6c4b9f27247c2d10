package retry

import (
	"context"
	"io"
	"net/http"
	"time"
)

// timedAttempt sends one attempt through base under its own deadline,
// which lasts until the response body is read to the end or closed.
func timedAttempt(base http.RoundTripper, timeout time.Duration, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	resp, err := base.RoundTrip(req.WithContext(ctx))
	if err != nil || resp == nil {
		cancel()
		return resp, err
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		cancel()
		return resp, nil
	}
	resp.Body = &attemptBody{rc: resp.Body, cancel: cancel}
	return resp, nil
}

// attemptBody ends the attempt's deadline when the body is done with.
type attemptBody struct {
	rc     io.ReadCloser
	cancel context.CancelFunc
}

// Read reads from the body and ends the deadline at the end or on an error.
func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil {
		b.cancel()
	}
	return n, err
}

// Close closes the body and ends the deadline.
func (b *attemptBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
