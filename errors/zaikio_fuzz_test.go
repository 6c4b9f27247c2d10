package errors_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

func FuzzDecodeZaikio(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{422, `{"errors":{"name":["can't be blank"]}}`},
		{422, `{"errors":["unpermitted_scope"]}`},
		{400, `{"errors":{"base":"x","a":[null,{"message":"m"},3]}}`},
		{404, `{"errors":["record_not_found"]}`},
		{400, `{"error":"invalid_grant","error_description":"d"}`},
		{429, ``},
		{422, `{"errors":{"` + strings.Repeat("k", 300) + `":["v"]}}`},
		{422, "{\"errors\":[\"\\u202e\\u0000\"]}"},
		{500, `<html><title>down</title></html>`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		resp := &http.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/json"}, "Retry-After": {string(body)}},
			Body:       readCloser{bytes.NewReader(body)},
			Request:    &http.Request{Method: "POST", URL: mustURL("https://hub.zaikio.com/api/v1/sites?access_token=SECRET")},
		}
		e := sdkerrors.NewAPIError("zaikiohub", "Op", resp)
		if err := sdkerrors.DecodeZaikio(e); err != e {
			t.Fatalf("DecodeZaikio returned %v", err)
		}
		msg := e.Error()
		if msg == "" || strings.Contains(msg, "SECRET") {
			t.Fatalf("Error() = %q", msg)
		}
		var ve *sdkerrors.ZaikioValidationError
		if errors.As(e, &ve) {
			if ve.Error() == "" || len(ve.Fields) > 100 || len(ve.Messages) > 200 {
				t.Fatalf("validation error %#v", ve)
			}
			if status != 400 && status != 422 {
				t.Fatalf("validation detail on %d", status)
			}
		}
	})
}
