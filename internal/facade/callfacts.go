package facade

import (
	"context"
	"fmt"
	"net/http"

	"github.com/idsdk/idsdk-go/auth"
)

// What one call tells the transports the runtime builds. The runtime puts
// a callFacts on the call's context under its own key, and the transports
// it builds read it through the hooks New gives them: the token
// transport's ForRequest (requestAuth) and the retry policy's Idempotent
// (idempotent). Nothing else sets or reads it.

// callFacts are the per-call facts: how the call authenticates, and
// whether it may be repeated whatever its method.
type callFacts struct {
	auth       auth.RequestAuth
	idempotent bool
}

type callFactsKey struct{}

// withFacts returns ctx carrying the facts of call for op, or ctx itself
// when there is nothing to say (the token, under the client's origin, and
// the retry policy's own rules).
func (r *Runtime) withFacts(ctx context.Context, call *Call, op *Operation) (context.Context, error) {
	f := callFacts{idempotent: op.Idempotent || call.idem}
	if call.Server != r.server {
		f.auth.Origin = auth.OriginOf(call.Server)
	}
	switch op.Security {
	case "": // the token, if any
	case SecurityBasicOrToken:
		if m := r.settings(); r.token() == nil && m.basicID != "" {
			f.auth.BasicID, f.auth.BasicSecret = m.basicID, m.basicSecret
		}
	case SecurityBasic:
		m := r.settings()
		if m.basicID == "" {
			return nil, fmt.Errorf("%s %s: the operation needs the client id and secret (WithBasicAuth)", op.API, op.ID)
		}
		// Added by the token transport, under the same origin rule.
		f.auth.BasicID, f.auth.BasicSecret = m.basicID, m.basicSecret
	default:
		f.auth.NoCredentials = true
	}
	if f == (callFacts{}) {
		return ctx, nil
	}
	fp := new(callFacts) // only here: f itself stays off the heap
	*fp = f
	return context.WithValue(ctx, callFactsKey{}, fp), nil
}

// factsOf returns the facts of the call req belongs to; nil for a request
// the runtime did not send (a token request, a raw call).
func factsOf(req *http.Request) *callFacts {
	f, _ := req.Context().Value(callFactsKey{}).(*callFacts)
	return f
}

// requestAuth is the token transport's ForRequest.
func requestAuth(req *http.Request) auth.RequestAuth {
	if f := factsOf(req); f != nil {
		return f.auth
	}
	return auth.RequestAuth{}
}

// idempotent returns the retry policy's Idempotent: the call's own word,
// else the policy's function (nil: no).
func idempotent(policy func(*http.Request) bool) func(*http.Request) bool {
	if policy == nil {
		return callIdempotent
	}
	return func(req *http.Request) bool {
		if f := factsOf(req); f != nil && f.idempotent {
			return true
		}
		return policy != nil && policy(req)
	}
}

// callIdempotent is idempotent(nil), without a closure of its own per
// client: the call's own word.
func callIdempotent(req *http.Request) bool {
	f := factsOf(req)
	return f != nil && f.idempotent
}
