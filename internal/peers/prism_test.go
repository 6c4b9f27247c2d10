package peers

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

func TestRequestViolations(t *testing.T) {
	for h, want := range map[string]bool{
		`[{"location":["request","body","name"],"severity":"Error","code":"required"}]`:                     true,
		`[{"location":["response","body","url"],"severity":"Error","code":"format"}]`:                       false,
		`[{"location":["response","body"]},{"location":["request","query","page"]}]`:                        true,
		`[{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]`: true,
		`not json`: true,
		`Too many violations! [{"location":["response","body","a"]},{"location":["response","bo`: false,
		`Too many violations! [{"location":["response","body","a"]},{"location":["request","bo`:  true,
	} {
		if got := requestViolations(h); got != want {
			t.Errorf("requestViolations(%s) = %v, want %v", h, got, want)
		}
	}
}

// idleCloser is a base transport that counts CloseIdleConnections calls.
type idleCloser struct{ closed atomic.Int32 }

func (c *idleCloser) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("not used")
}

func (c *idleCloser) CloseIdleConnections() { c.closed.Add(1) }

func TestViolationRecorderClosesIdleConnectionsOfBase(t *testing.T) {
	base := &idleCloser{}
	(&http.Client{Transport: &ViolationRecorder{Base: base}}).CloseIdleConnections()
	if got := base.closed.Load(); got != 1 {
		t.Errorf("base CloseIdleConnections called %d times, want 1", got)
	}
}
