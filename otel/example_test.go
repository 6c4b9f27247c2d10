package otel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/idsdk/idsdk-go/auth/nexaas"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	idsdkotel "github.com/idsdk/idsdk-go/otel"
	"github.com/idsdk/idsdk-go/retry"
)

// A client with the OpenTelemetry observer: one span per call, named after
// the operation, with an event per HTTP attempt and per token request.
// The in-memory exporter stands in for a real one.
func Example() {
	// A Nexaas ID server that answers the first profile request with a 503.
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/oauth/token":
			io.WriteString(w, `{"access_token":"app-token","token_type":"Bearer","expires_in":3600}`)
		case n.Add(1) == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			io.WriteString(w, `{"id":"1f0c7a8e-9c57-4b0e-8f5b-2f4a8d3c6b71","name":"Ana"}`)
		}
	}))
	defer srv.Close()

	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	obs := idsdkotel.New(idsdkotel.WithTracerProvider(tp))

	policy := retry.Default()
	policy.MinWait, policy.MaxWait = 1, 1 // no real waiting in an example
	c, err := nexaasid.New(nexaasid.WithBaseURL(srv.URL), nexaasid.WithRetry(policy),
		nexaasid.WithObserver(obs),
		nexaasid.WithApplication(nexaas.Config{ClientID: "app", ClientSecret: "app-secret"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := c.Profile.Get(context.Background()); err != nil {
		fmt.Println(err)
		return
	}

	for _, s := range exporter.GetSpans() {
		fmt.Println("span:", s.Name, s.SpanKind)
		for _, a := range s.Attributes {
			switch a.Key {
			case "http.request.method", "server.address", "url.template", "http.response.status_code", "http.request.resend_count":
				fmt.Printf("  %s=%s\n", a.Key, a.Value.Emit())
			}
		}
		for _, e := range s.Events {
			fmt.Print("  event: ", e.Name)
			for _, a := range e.Attributes {
				switch a.Key {
				case "idsdk.attempt", "http.response.status_code", "idsdk.retry.reason", "idsdk.credential.kind", "idsdk.token.outcome":
					fmt.Printf(" %s=%s", a.Key, a.Value.Emit())
				}
			}
			fmt.Println()
		}
	}
	// Output:
	// span: nexaasid GetProfile client
	//   http.request.method=GET
	//   url.template=/api/v1/profile
	//   server.address=127.0.0.1
	//   http.response.status_code=200
	//   http.request.resend_count=1
	//   event: idsdk.token.fetch idsdk.credential.kind=client_credentials idsdk.token.outcome=ok
	//   event: idsdk.attempt idsdk.attempt=1 http.response.status_code=503 idsdk.retry.reason=status 503
	//   event: idsdk.attempt idsdk.attempt=2 http.response.status_code=200
}
