// Package regions holds the server catalogs of the APIs idsdk-go covers
// (which base URL a region, cluster or environment means) and the
// validation every base URL goes through.
//
// A Server names one deployment of one API. Clients take one with their
// WithRegion option; WithBaseURL takes any URL and validates it with
// ValidateBaseURL.
package regions

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// Server is one deployment of one API: a region, cluster or environment.
type Server struct {
	// API is the short name of the API, as used under api/ and gen/
	// (for example "nexaasid").
	API string
	// Name is the region or environment, for example "production".
	Name string
	// URL is the base URL, without a trailing slash.
	URL string
}

// String returns "api/name (url)".
func (s Server) String() string { return s.API + "/" + s.Name + " (" + s.URL + ")" }

// ErrInvalidBaseURL is matched (errors.Is) by every error ValidateBaseURL
// returns; its text names the URL (without userinfo or query) and why it
// was refused.
var ErrInvalidBaseURL = errors.New("invalid base URL")

// refused is the error of a base URL or domain refused for reason: it
// matches sentinel (ErrInvalidBaseURL or ErrInvalidAuth0Domain) and names
// what was refused (shown, without userinfo or query).
func refused(sentinel error, shown, reason string) error {
	return fmt.Errorf("regions: %w %q: %s", sentinel, shown, reason)
}

// ValidateBaseURL checks raw as an API base URL and returns it normalized:
// scheme and host lower-cased, no trailing slash. It must be absolute,
// https unless the host is a loopback address or "localhost", and carry no
// userinfo, query or fragment.
func ValidateBaseURL(raw string) (string, error) {
	return validate(raw, nil)
}

// validate is ValidateBaseURL with extra hosts for which plain http is allowed.
func validate(raw string, httpHosts []string) (string, error) {
	shown := raw
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", refused(ErrInvalidBaseURL, shownURL(shown), "it does not parse")
	}
	shown = shownURL(shown)
	if u.Scheme == "" || u.Host == "" {
		return "", refused(ErrInvalidBaseURL, shown, "it must be absolute, like https://host")
	}
	if u.User != nil {
		return "", refused(ErrInvalidBaseURL, shown, "credentials do not belong in a base URL")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", refused(ErrInvalidBaseURL, shown, "it must not have a query or fragment")
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	switch scheme {
	case "https":
	case "http":
		if !IsLoopback(host) && !contains(httpHosts, host) {
			return "", refused(ErrInvalidBaseURL, shown, "plain http is allowed only for loopback hosts; use https")
		}
	default:
		return "", refused(ErrInvalidBaseURL, shown, "the scheme must be https")
	}
	u.Scheme = scheme
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// IsLoopback reports whether host (without port) is "localhost" or a loopback IP.
func IsLoopback(host string) bool {
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// shownURL is raw as an error may show it: without userinfo, query or
// fragment, on one line, at most 200 bytes.
func shownURL(raw string) string { return redact.Clip(redact.URL(strings.TrimSpace(raw)), 200) }

// catalogs lists every API's servers for Lookup.
var catalogs = map[string]func() []Server{
	"nexaasid": Nexaas,
	"authlete": Authlete,
}

// Lookup finds the server of api named name ("production", "jp", ...),
// ignoring case.
func Lookup(api, name string) (Server, error) {
	list, ok := catalogs[api]
	if !ok {
		return Server{}, fmt.Errorf("regions: no catalog for API %q", api)
	}
	var names []string
	for _, s := range list() {
		if strings.EqualFold(s.Name, strings.TrimSpace(name)) {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Server{}, fmt.Errorf("regions: %s has no region %q (known: %s)", api, name, strings.Join(names, ", "))
}
