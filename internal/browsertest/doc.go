// Package browsertest drives the web sign-in flows (auth/webflow with the
// Zaikio and Auth0 presets) in a headless Chromium against
// node-oidc-provider, with the app and the provider on different sites
// (localhost and 127.0.0.1). It holds tests only.
package browsertest
