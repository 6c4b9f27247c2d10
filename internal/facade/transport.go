package facade

// The HTTP client each Runtime sends through, and the pooled transport a
// client builds for itself on its first request.

import (
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	cleanhttp "github.com/hashicorp/go-cleanhttp"

	"github.com/idsdk/idsdk-go/auth"
)

// IdleConnsPerHost is how many idle connections the transport a client
// builds for itself keeps per host: enough for that many callers at once
// to reuse their connections instead of opening new ones.
const IdleConnsPerHost = 100

// sender is what one client sends through, in one allocation: the
// http.Client HTTPClient returns, the token transport (used when the
// client has credentials) and the client's own pooled transport (used
// unless the caller gave one).
type sender struct {
	client http.Client
	auth   auth.Transport
	own    ownTransport
}

// ownTransport is the pooled transport of a client's own: never shared
// with another client or with http.DefaultTransport, sized by
// IdleConnsPerHost, bounded by the API's connect timeout when it has one.
// It is built on the first request, so that a client that has sent
// nothing holds none; once the sender holding it is unreachable, a
// cleanup closes its idle connections.
type ownTransport struct {
	t              atomic.Pointer[http.Transport]
	connectTimeout time.Duration
}

// RoundTrip sends req through the transport, built first if need be.
func (o *ownTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return o.transport().RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the transport, if
// it was built.
func (o *ownTransport) CloseIdleConnections() {
	if t := o.t.Load(); t != nil {
		t.CloseIdleConnections()
	}
}

// transport returns the transport, building it on the first call. Callers
// racing on the first call all get the one that was stored first; the
// others, which never sent anything, are dropped.
func (o *ownTransport) transport() *http.Transport {
	if t := o.t.Load(); t != nil {
		return t
	}
	t := pooledTransport(o.connectTimeout)
	if !o.t.CompareAndSwap(nil, t) {
		return o.t.Load()
	}
	// The transport is the client's alone: once the client (which holds
	// o) is unreachable, nobody else will use its idle connections.
	runtime.AddCleanup(o, (*http.Transport).CloseIdleConnections, t)
	return t
}

// pooledTransport is a new pooled transport sized by IdleConnsPerHost and,
// when connectTimeout is positive, bounded by it when dialing and in the
// TLS handshake.
func pooledTransport(connectTimeout time.Duration) *http.Transport {
	t := cleanhttp.DefaultPooledTransport()
	t.MaxIdleConns = max(t.MaxIdleConns, IdleConnsPerHost)
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	if connectTimeout > 0 {
		t.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = connectTimeout
	}
	return t
}

// newSender builds the client's sender: the caller's client (copied) or a
// new one, over the caller's transport or the client's own, the token
// transport (when the client has credentials, for origin only) and the
// retry policy.
func (cfg *Config) newSender(origin string) *sender {
	s := &sender{}
	if cfg.HTTPClient != nil {
		s.client = *cfg.HTTPClient
	}
	var inner http.RoundTripper = &s.own
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		inner = cfg.HTTPClient.Transport
	} else {
		s.own.connectTimeout = cfg.ConnectTimeout
	}
	s.auth.Source = cfg.Token // also the runtime's token source
	if cfg.Token != nil || cfg.BasicID != "" {
		s.auth.Origin, s.auth.Base, s.auth.ForRequest = origin, inner, requestAuth
		inner = &s.auth
	}
	s.client.Transport = cfg.policy().Transport(inner)
	return s
}
