package regions

import (
	"net/url"
	"strings"
)

// Authlete API clusters. The operation paths of the Authlete API v3 all
// start with /api, so a base URL is the bare origin of a cluster (or of a
// dedicated or on-premises deployment).
var (
	// AuthleteUS is Authlete's United States cluster (the default).
	AuthleteUS = Server{API: "authlete", Name: "us", URL: "https://us.authlete.com"}
	// AuthleteJP is Authlete's Japan cluster.
	AuthleteJP = Server{API: "authlete", Name: "jp", URL: "https://jp.authlete.com"}
	// AuthleteEU is Authlete's Europe cluster.
	AuthleteEU = Server{API: "authlete", Name: "eu", URL: "https://eu.authlete.com"}
	// AuthleteBR is Authlete's Brazil cluster.
	AuthleteBR = Server{API: "authlete", Name: "br", URL: "https://br.authlete.com"}
)

// Authlete lists the Authlete clusters, the default (AuthleteUS) first.
func Authlete() []Server { return []Server{AuthleteUS, AuthleteJP, AuthleteEU, AuthleteBR} }

// ValidateAuthleteBaseURL is ValidateBaseURL for an Authlete base URL. It
// also refuses a URL whose path ends in /api (with or without a trailing
// slash), such as "https://us.authlete.com/api": the operation paths
// already start with /api, so such a base URL would send calls to
// /api/api/... . The error says to drop the suffix.
func ValidateAuthleteBaseURL(raw string) (string, error) {
	norm, err := ValidateBaseURL(raw)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(norm)
	if err != nil {
		// ValidateBaseURL returned it, so it parses; be safe anyway.
		return "", refused(ErrInvalidBaseURL, shownURL(raw), "it does not parse")
	}
	if p := strings.ToLower(u.Path); p == "/api" || strings.HasSuffix(p, "/api") {
		return "", refused(ErrInvalidBaseURL, norm, `drop the trailing "/api": Authlete operation paths already start with /api, so the base URL is the server alone, like https://us.authlete.com`)
	}
	return norm, nil
}
