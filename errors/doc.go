// Package errors turns the failures of the idsdk-go API clients into typed
// errors. Users import it under another name, usually sdkerrors, to keep the
// standard errors package at hand.
//
// A non-2xx response becomes an *APIError: API, operation, method, URL
// (never its query string), status, headers, a body bounded by MaxBodyBytes,
// request id, and the code and message a Decoder found in the body. Each
// status matches sentinels such as ErrNotFound or ErrRateLimited through
// errors.Is, and the API-specific detail (an *OAuthError, a *NexaasError, a
// *RateLimitError) is reached with errors.As. A 2xx body that cannot be
// decoded is a *DecodeError; a request that got no response is a
// *RequestError.
//
// A generated client does, after a non-2xx response:
//
//	return sdkerrors.Decode(sdkerrors.DecodeNexaas, "nexaasid", "GetProfile", resp)
//
// and its users write:
//
//	profile, err := client.Profile.Get(ctx)
//	if errors.Is(err, sdkerrors.ErrUnauthorized) {
//		var oe *sdkerrors.OAuthError
//		if errors.As(err, &oe) && oe.Code == "invalid_token" {
//			// refresh the token and try again
//		}
//	}
//	var rl *sdkerrors.RateLimitError
//	if errors.As(err, &rl) {
//		time.Sleep(rl.RetryAfter)
//	}
//
// Error strings are single lines: server text is cleaned of control
// characters and cut to a few hundred characters, and URLs lose their query
// strings and user information. GoString is overridden so %#v never dumps
// headers (which may hold cookies) or bodies.
package errors
