package errors_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

const hubURL = "https://hub.zaikio.com/api/v1/sites"

func decodeZaikio(t *testing.T, status int, body string, kv ...string) *sdkerrors.APIError {
	t.Helper()
	e := sdkerrors.NewAPIError("zaikiohub", "SitesCreate", response(t, status, hubURL, body, kv...))
	if err := sdkerrors.DecodeZaikio(e); err != e {
		t.Fatalf("DecodeZaikio returned %v, want the *APIError", err)
	}
	return e
}

func TestDecodeZaikioValidationObject(t *testing.T) {
	e := decodeZaikio(t, 422, `{"errors":{"name":["can't be blank","is too short"],"base":["site limit reached"],"country_code":"is invalid"}}`)
	var ve *sdkerrors.ZaikioValidationError
	if !errors.As(e, &ve) {
		t.Fatalf("no *ZaikioValidationError in %v", e)
	}
	want := &sdkerrors.ZaikioValidationError{
		StatusCode: 422,
		Fields: map[string][]string{
			"name":         {"can't be blank", "is too short"},
			"base":         {"site limit reached"},
			"country_code": {"is invalid"},
		},
		Messages: []string{"site limit reached"},
	}
	if diff := cmp.Diff(want, ve); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !errors.Is(e, sdkerrors.ErrBadRequest) {
		t.Error("422 does not match ErrBadRequest")
	}
	if msg := ve.Error(); !strings.Contains(msg, "country_code is invalid") || !strings.Contains(msg, "name can't be blank") {
		t.Errorf("Error() = %q", msg)
	}
	if e.Message == "" {
		t.Error("Message empty")
	}
}

func TestDecodeZaikioValidationList(t *testing.T) {
	e := decodeZaikio(t, 422, `{"errors":["plan_not_found","other"]}`)
	var ve *sdkerrors.ZaikioValidationError
	if !errors.As(e, &ve) {
		t.Fatalf("no *ZaikioValidationError in %v", e)
	}
	if diff := cmp.Diff([]string{"plan_not_found", "other"}, ve.Messages); diff != "" {
		t.Error(diff)
	}
	if ve.Fields != nil {
		t.Errorf("Fields = %v", ve.Fields)
	}
	if e.Code != "plan_not_found" {
		t.Errorf("Code = %q", e.Code)
	}
}

func TestDecodeZaikioNotFoundAndForbidden(t *testing.T) {
	e := decodeZaikio(t, 404, `{"errors":["record_not_found"]}`)
	if !errors.Is(e, sdkerrors.ErrNotFound) {
		t.Error("404 does not match ErrNotFound")
	}
	var ve *sdkerrors.ZaikioValidationError
	if errors.As(e, &ve) {
		t.Error("a 404 has no validation detail")
	}
	if e.Code != "record_not_found" {
		t.Errorf("Code = %q", e.Code)
	}
	e = decodeZaikio(t, 403, `{"errors":["unpermitted_scope"]}`)
	if !errors.Is(e, sdkerrors.ErrForbidden) || e.Code != "unpermitted_scope" {
		t.Errorf("403: code %q, %v", e.Code, e)
	}
}

func TestDecodeZaikioRateLimited(t *testing.T) {
	e := decodeZaikio(t, 429, ``, "Retry-After", "7")
	if !errors.Is(e, sdkerrors.ErrRateLimited) {
		t.Fatal("429 does not match ErrRateLimited")
	}
	var rl *sdkerrors.RateLimitError
	if !errors.As(e, &rl) || rl.RetryAfter.Seconds() != 7 {
		t.Errorf("RateLimitError = %+v", rl)
	}
}

func TestDecodeZaikioOAuth(t *testing.T) {
	e := decodeZaikio(t, 400, `{"error":"invalid_grant","error_description":"code expired"}`)
	var oe *sdkerrors.OAuthError
	if !errors.As(e, &oe) || oe.Code != "invalid_grant" || e.Code != "invalid_grant" || e.Message != "code expired" {
		t.Errorf("OAuth detail %+v, code %q, message %q", oe, e.Code, e.Message)
	}
}

func TestDecodeZaikioOddBodies(t *testing.T) {
	for _, body := range []string{``, `<html>oops</html>`, `{"errors":null}`, `{"errors":{}}`, `{"errors":[]}`, `{"errors":{"a":[1,{"message":"m"}]}}`, `[1,2]`, `{"errors":"flat"}`} {
		e := decodeZaikio(t, 422, body)
		if e.Error() == "" {
			t.Errorf("%q: empty Error()", body)
		}
		_ = fmt.Sprintf("%v %+v %#v", e, e, e.Detail)
	}
	if err := sdkerrors.DecodeZaikio(nil); err == nil {
		t.Error("nil *APIError accepted")
	}
	var ve *sdkerrors.ZaikioValidationError
	if got := fmt.Sprintf("%#v", ve); !strings.Contains(got, "nil") {
		t.Errorf("%%#v of nil = %q", got)
	}
}

// A field listed with no message is still a validation failure.
func TestDecodeZaikioFieldWithoutMessages(t *testing.T) {
	e := decodeZaikio(t, 422, `{"errors":{"name":[]}}`, "Content-Type", "application/json")
	var ve *sdkerrors.ZaikioValidationError
	if !errors.As(e, &ve) {
		t.Fatalf("no validation error in %#v", e)
	}
	if _, ok := ve.Fields["name"]; !ok || len(ve.Fields) != 1 {
		t.Errorf("Fields = %v", ve.Fields)
	}
}
