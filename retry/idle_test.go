package retry

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// idleCloser is a base transport that counts CloseIdleConnections calls.
type idleCloser struct{ closed atomic.Int32 }

func (c *idleCloser) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("not used")
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

// http.Client.CloseIdleConnections goes through the retry transport to its
// base, with retries on or off and with or without an attempt timeout.
func TestTransportClosesIdleConnectionsOfBase(t *testing.T) {
	for _, p := range []*Policy{Default(), Off(), {MaxRetries: 2}, {AttemptTimeout: time.Second}} {
		base := &idleCloser{}
		(&http.Client{Transport: p.Transport(base)}).CloseIdleConnections()
		if got := base.closed.Load(); got != 1 {
			t.Errorf("%v: base CloseIdleConnections called %d times, want 1", p, got)
		}
	}
}
