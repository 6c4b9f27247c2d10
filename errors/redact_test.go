package errors_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// TestAPIErrorNestedHidesHeadersAndBody: an *APIError nested in a slice,
// map or struct that slog's JSON handler encodes shows neither a
// Set-Cookie header nor the body.
func TestAPIErrorNestedHidesHeadersAndBody(t *testing.T) {
	resp := &http.Response{StatusCode: 500, Header: http.Header{"Set-Cookie": {"session=COOKIE-api-1b2c3d"}},
		Body: io.NopCloser(strings.NewReader("dump BODY-api-4e5f6a"))}
	err := sdkerrors.NewAPIError("x", "Op", resp)
	redacttest.Check(t, "APIError", err, "COOKIE-api-1b2c3d", "BODY-api-4e5f6a")
	nx := &sdkerrors.NexaasError{StatusCode: 500, Header: err.Header, Body: err.Body}
	redacttest.Check(t, "NexaasError", nx, "COOKIE-api-1b2c3d", "BODY-api-4e5f6a")
	de := &sdkerrors.DecodeError{API: "x", StatusCode: 200, Body: err.Body}
	redacttest.Check(t, "DecodeError", de, "BODY-api-4e5f6a")
}
