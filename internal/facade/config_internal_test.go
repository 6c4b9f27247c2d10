package facade

import (
	"net/http"
	"testing"
	"time"
)

// The connect timeout applies to the transport the client builds itself,
// and never to a caller's transport.
func TestConnectTimeoutOnOwnTransportOnly(t *testing.T) {
	own, ok := baseTransport(Config{ConnectTimeout: time.Second}).(*http.Transport)
	if !ok || own == http.DefaultTransport || own.TLSHandshakeTimeout != time.Second || own.DialContext == nil {
		t.Errorf("own transport not bounded: %+v", own)
	}
	if baseTransport(Config{}) != http.DefaultTransport {
		t.Errorf("without a connect timeout the default transport should be shared")
	}
	mine := &http.Transport{}
	if got := baseTransport(Config{ConnectTimeout: time.Second, HTTPClient: &http.Client{Transport: mine}}); got != mine || mine.TLSHandshakeTimeout != 0 {
		t.Errorf("caller's transport replaced or changed")
	}
}
