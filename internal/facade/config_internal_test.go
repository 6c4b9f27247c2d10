package facade

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// A client without a transport of the caller's gets a pooled transport of
// its own, sized for many callers and bounded by the API's connect
// timeout; a caller's transport is used as it is.
func TestOwnTransportPooledAndBounded(t *testing.T) {
	own := pooledTransport(time.Second)
	if own == http.DefaultTransport || own.TLSHandshakeTimeout != time.Second || own.DialContext == nil {
		t.Errorf("own transport not bounded: %+v", own)
	}
	for _, cfg := range []Config{{}, {ConnectTimeout: time.Second}, {HTTPClient: &http.Client{}}} {
		s := cfg.newSender("")
		tr := s.own.transport()
		if tr == http.DefaultTransport {
			t.Errorf("%+v: want a transport of the client's own", cfg)
			continue
		}
		if tr.MaxIdleConnsPerHost < IdleConnsPerHost || tr.MaxIdleConns < IdleConnsPerHost {
			t.Errorf("%+v: idle connections %d per host, %d in all; want at least %d", cfg, tr.MaxIdleConnsPerHost, tr.MaxIdleConns, IdleConnsPerHost)
		}
		if cfg.ConnectTimeout > 0 && tr.TLSHandshakeTimeout != cfg.ConnectTimeout {
			t.Errorf("%+v: TLS handshake timeout %s, want the connect timeout", cfg, tr.TLSHandshakeTimeout)
		}
	}
	a, b := (&Config{}).newSender(""), (&Config{}).newSender("")
	if a.own.transport() == b.own.transport() {
		t.Errorf("two clients share a transport")
	}
	mine := &http.Transport{}
	s := (&Config{ConnectTimeout: time.Second, HTTPClient: &http.Client{Transport: mine}}).newSender("")
	if s.own.t.Load() != nil || mine.TLSHandshakeTimeout != 0 {
		t.Errorf("caller's transport replaced or changed")
	}
}

// The own transport is built by the first request, not by New: a client
// that has sent nothing holds none. Callers racing on the first request
// all go through the one transport that is kept.
func TestOwnTransportBuiltOnFirstRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	s := (&Config{}).newSender("")
	if s.own.t.Load() != nil {
		t.Fatal("transport built before any request")
	}
	s.own.CloseIdleConnections() // nothing to close: no panic, nothing built
	if s.own.t.Load() != nil {
		t.Fatal("CloseIdleConnections built the transport")
	}
	const callers = 16
	seen := make([]*http.Transport, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			seen[i] = s.own.transport()
			resp, err := s.client.Get(srv.URL)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	wg.Wait()
	kept := s.own.t.Load()
	for i, tr := range seen {
		if tr != kept {
			t.Errorf("caller %d got another transport than the one kept", i)
		}
	}
	s.client.CloseIdleConnections()
}
