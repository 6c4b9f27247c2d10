package facade

import (
	"net/http"
	"testing"
	"time"
)

// A client without a transport of the caller's gets a pooled transport of
// its own, sized for many callers and bounded by the API's connect
// timeout; a caller's transport is used as it is.
func TestOwnTransportPooledAndBounded(t *testing.T) {
	own, ok := baseTransport(Config{ConnectTimeout: time.Second}).(*http.Transport)
	if !ok || own == http.DefaultTransport || own.TLSHandshakeTimeout != time.Second || own.DialContext == nil {
		t.Errorf("own transport not bounded: %+v", own)
	}
	for _, cfg := range []Config{{}, {ConnectTimeout: time.Second}, {HTTPClient: &http.Client{}}} {
		tr, ok := baseTransport(cfg).(*http.Transport)
		if !ok || tr == http.DefaultTransport {
			t.Errorf("%+v: want a transport of the client's own, got %T", cfg, tr)
			continue
		}
		if tr.MaxIdleConnsPerHost < IdleConnsPerHost || tr.MaxIdleConns < IdleConnsPerHost {
			t.Errorf("%+v: idle connections %d per host, %d in all; want at least %d", cfg, tr.MaxIdleConnsPerHost, tr.MaxIdleConns, IdleConnsPerHost)
		}
	}
	if baseTransport(Config{}) == baseTransport(Config{}) {
		t.Errorf("two clients share a transport")
	}
	mine := &http.Transport{}
	if got := baseTransport(Config{ConnectTimeout: time.Second, HTTPClient: &http.Client{Transport: mine}}); got != mine || mine.TLSHandshakeTimeout != 0 {
		t.Errorf("caller's transport replaced or changed")
	}
}
