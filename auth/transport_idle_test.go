package auth

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

// idleCloser is a base transport that counts CloseIdleConnections calls.
type idleCloser struct{ closed atomic.Int32 }

func (c *idleCloser) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("not used")
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

// http.Client.CloseIdleConnections goes through Transport to its base.
func TestTransportClosesIdleConnectionsOfBase(t *testing.T) {
	base := &idleCloser{}
	HTTPClient(NewFake("tok"), "https://api.example.com", base).CloseIdleConnections()
	if got := base.closed.Load(); got != 1 {
		t.Errorf("base CloseIdleConnections called %d times, want 1", got)
	}
}
