package regions

import (
	"net/url"
	"strings"
)

// Zaikio environments. Each URL is the Hub's host: the OAuth endpoints
// live under /oauth on it and the Hub API under /api/v1 (see
// ValidateZaikioBaseURL, which the Hub client uses to add that path).
var (
	// ZaikioProduction is Zaikio's production Hub (the default).
	ZaikioProduction = Server{API: "zaikiohub", Name: "production", URL: "https://hub.zaikio.com"}
	// ZaikioSandbox is Zaikio's sandbox Hub, with test data.
	ZaikioSandbox = Server{API: "zaikiohub", Name: "sandbox", URL: "https://hub.sandbox.zaikio.com"}
	// ZaikioStaging is Zaikio's staging Hub.
	ZaikioStaging = Server{API: "zaikiohub", Name: "staging", URL: "https://hub.staging.zaikio.com"}
	// ZaikioDevelopment is a Hub run locally under its development host
	// name; plain http is accepted for it.
	ZaikioDevelopment = Server{API: "zaikiohub", Name: "development", URL: "http://hub.zaikio.test"}
)

// ZaikioAPIPath is the path of the Hub API on a Hub host.
const ZaikioAPIPath = "/api/v1"

// zaikioDevHost is the one non-loopback host for which http is allowed.
const zaikioDevHost = "hub.zaikio.test"

// Zaikio lists the Zaikio Hub environments.
func Zaikio() []Server {
	return []Server{ZaikioProduction, ZaikioSandbox, ZaikioStaging, ZaikioDevelopment}
}

// ValidateZaikioHost checks raw as the URL of a Zaikio Hub host (what the
// Zaikio servers above hold, and what the OAuth flows take) and returns it
// normalized. Like ValidateBaseURL, plus plain http for hub.zaikio.test.
// A path is kept: a Hub behind a proxy may live under one.
func ValidateZaikioHost(raw string) (string, error) {
	return validate(raw, []string{zaikioDevHost})
}

// ValidateZaikioBaseURL is the base-URL check of the Hub API client. It
// validates raw like ValidateZaikioHost and then, when raw is one of
// Zaikio's own Hub hosts without a path (https://hub.zaikio.com,
// hub.sandbox, hub.staging, hub.zaikio.test), appends ZaikioAPIPath so
// that the regions and the OAuth endpoints can share one host URL. Any
// other URL, with or without a path (a proxy, a local mock), is taken as
// the API base as it is.
func ValidateZaikioBaseURL(raw string) (string, error) {
	s, err := ValidateZaikioHost(raw)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", refused(ErrInvalidBaseURL, shownURL(raw), "it does not parse")
	}
	if u.Path == "" && isZaikioHubHost(u.Host) {
		return s + ZaikioAPIPath, nil
	}
	return s, nil
}

// ZaikioHostOf returns the Hub host URL of a Hub API base URL: base without
// a trailing ZaikioAPIPath. It is how the Hub client's URL maps back to
// where the OAuth endpoints are.
func ZaikioHostOf(base string) string {
	base = strings.TrimRight(base, "/")
	return strings.TrimSuffix(base, ZaikioAPIPath)
}

// isZaikioHubHost reports whether hostport is one of the catalog's hosts.
func isZaikioHubHost(hostport string) bool {
	for _, s := range Zaikio() {
		if u, err := url.Parse(s.URL); err == nil && strings.EqualFold(u.Host, hostport) {
			return true
		}
	}
	return false
}

func init() { catalogs["zaikiohub"] = Zaikio }
