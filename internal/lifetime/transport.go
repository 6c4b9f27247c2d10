package lifetime

// This file lets x/oauth2 read a token answer whose expires_in is a
// number it does not take (1e30, 3600.5): such a value is clamped and
// written as whole seconds before x/oauth2 parses the answer.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxTokenBody is what x/oauth2 reads of a token answer.
const maxTokenBody = 1 << 20

// Transport wraps base (nil: http.DefaultTransport) so that a 2xx JSON
// answer's expires_in reaches x/oauth2 as whole seconds in [0, Max].
func Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return fixExpiresIn{base}
}

type fixExpiresIn struct{ base http.RoundTripper }

// RoundTrip sends req and fixes the answer's expires_in when it must.
func (t fixExpiresIn) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(WholeExpiresIn(body)))
	return resp, nil
}

// WholeExpiresIn returns body with a JSON expires_in that is not an
// integer (1e30, 3600.5) replaced by whole seconds in [0, Max]; any other
// body is returned as it is.
func WholeExpiresIn(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"expires_in"`)) {
		return body
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	var n json.Number
	if raw, ok := m["expires_in"]; !ok || json.Unmarshal(raw, &n) != nil {
		return body
	}
	if _, err := n.Int64(); err == nil {
		return body
	}
	f, _ := strconv.ParseFloat(string(n), 64) // out of range: ±Inf
	m["expires_in"] = json.RawMessage(strconv.FormatInt(int64(Seconds(f)/time.Second), 10))
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}
