package regions

import (
	"errors"
	"net"
	"strconv"
	"strings"
)

// Auth0 has no fixed regions: every tenant has its own domain, such as
// tenant.us.auth0.com, and may add a custom domain (login.example.com).
// The Management API lives at https://{tenant domain}/api/v2.

// Auth0ManagementPath is the path of the Management API v2 on a tenant domain.
const Auth0ManagementPath = "/api/v2"

// Auth0CustomDomainHeader is the header that tells the Management API which
// of a tenant's custom domains to use in the links it builds (verification
// e-mails, password-change tickets, invitations). Auth0 honours it on the
// endpoints that build such links; calls still go to the tenant domain.
const Auth0CustomDomainHeader = "Auth0-Custom-Domain"

// Auth0Unset is the Management API's stand-in default server. It has no
// URL, so a client made without a tenant domain or a base URL fails with a
// clear error instead of calling some default host.
var Auth0Unset = Server{API: "auth0mgmt", Name: "unset", URL: ""}

// ErrInvalidAuth0Domain is matched (errors.Is) by every error the Auth0
// domain helpers return .
var ErrInvalidAuth0Domain = errors.New("invalid Auth0 domain")

// auth0TenantSuffixes are the domains Auth0 gives tenants.
var auth0TenantSuffixes = []string{".auth0.com", ".auth0app.com"}

// Auth0Host checks domain as an Auth0 tenant domain (tenant.us.auth0.com,
// tenant.auth0.com) or a custom domain (login.example.com) and returns it
// lower-cased. It must be a bare host name, optionally with a port: no
// scheme, path, query or credentials. Loopback hosts (localhost,
// 127.0.0.1, [::1]) are accepted for tests.
func Auth0Host(domain string) (string, error) {
	shown := domain
	if len(shown) > 100 {
		shown = shown[:100]
	}
	bad := func(reason string) (string, error) {
		return "", refused(ErrInvalidAuth0Domain, shown, reason)
	}
	d := strings.ToLower(strings.TrimSpace(domain))
	switch {
	case d == "":
		return bad("it is empty; give the tenant domain, like tenant.us.auth0.com")
	case strings.Contains(d, "://"):
		return bad("give the bare host name, like tenant.us.auth0.com, without a scheme")
	case strings.ContainsAny(d, "/?#"):
		return bad("give the bare host name, like tenant.us.auth0.com, without a path")
	case strings.Contains(d, "@"):
		return bad("credentials do not belong in a domain")
	}
	for i := 0; i < len(d); i++ {
		if d[i] <= ' ' || d[i] > '~' {
			return bad("it holds a character that is not allowed in a host name")
		}
	}
	d = strings.TrimSuffix(d, ".")
	host, port := d, ""
	if h, p, err := net.SplitHostPort(d); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(d, "[") && strings.HasSuffix(d, "]") {
		host = d[1 : len(d)-1]
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return bad("the port must be a number from 1 to 65535")
		}
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.To4() == nil {
			host = "[" + host + "]"
		}
	} else if err := checkHostName(host); err != "" {
		return bad(err)
	}
	if port != "" {
		return host + ":" + port, nil
	}
	return host, nil
}

// checkHostName returns why host is not a DNS name, or "".
func checkHostName(host string) string {
	if len(host) > 253 {
		return "it is longer than 253 bytes"
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "it has an empty or over-long label"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "a label starts or ends with a hyphen"
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "it holds a character that is not allowed in a host name"
			}
		}
	}
	if len(labels) < 2 && host != "localhost" {
		return "it must be a full domain name, like tenant.us.auth0.com"
	}
	return ""
}

// Auth0Origin returns the scheme and host of domain (see Auth0Host):
// https://{domain}, or http:// for a loopback host.
func Auth0Origin(domain string) (string, error) {
	host, err := Auth0Host(domain)
	if err != nil {
		return "", err
	}
	scheme := "https://"
	if h, _, err := net.SplitHostPort(host); err == nil {
		if IsLoopback(h) {
			scheme = "http://"
		}
	} else if IsLoopback(host) {
		scheme = "http://"
	}
	return scheme + host, nil
}

// Auth0Domain checks a tenant domain (see Auth0Host) and returns the base
// URL of its Management API: https://{domain}/api/v2 (http:// for a
// loopback host).
func Auth0Domain(domain string) (string, error) {
	origin, err := Auth0Origin(domain)
	if err != nil {
		return "", err
	}
	return origin + Auth0ManagementPath, nil
}

// IsAuth0TenantDomain reports whether domain is one Auth0 gave the tenant
// (under auth0.com), as opposed to a custom domain.
func IsAuth0TenantDomain(domain string) bool {
	host, err := Auth0Host(domain)
	if err != nil {
		return false
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, s := range auth0TenantSuffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// Auth0CustomDomain checks a custom domain of a tenant for the
// Auth0-Custom-Domain header (Auth0CustomDomainHeader) and returns it
// lower-cased. It refuses tenant domains under auth0.com, which are not
// custom domains, and loopback hosts.
func Auth0CustomDomain(domain string) (string, error) {
	host, err := Auth0Host(domain)
	if err != nil {
		return "", err
	}
	if IsAuth0TenantDomain(host) {
		return "", refused(ErrInvalidAuth0Domain, host, "a tenant domain under auth0.com is not a custom domain")
	}
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if IsLoopback(h) || net.ParseIP(strings.Trim(h, "[]")) != nil {
		return "", refused(ErrInvalidAuth0Domain, host, "a custom domain is a DNS name, not an address")
	}
	if strings.Contains(host, ":") {
		return "", refused(ErrInvalidAuth0Domain, host, "a custom domain has no port")
	}
	return host, nil
}
