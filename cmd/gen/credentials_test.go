package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestRequiresAuthFollowsTheDocument: a client of an API whose document
// requires security (a global requirement, or every operation secured)
// is generated with the flag that makes New refuse to build it without
// credentials, and the opt-out option; the others without either.
func TestRequiresAuthFollowsTheDocument(t *testing.T) {
	want := map[string]bool{"auth0mgmt": true, "authlete": true, "nexaasid": true, "zaikiohub": false, "auth0auth": false}
	for api, required := range want {
		b, err := os.ReadFile(filepath.Join(repoRoot, "gen", api, "client.gen.go"))
		if err != nil {
			t.Fatal(err)
		}
		flag := bytes.Contains(b, []byte("RequiresAuth:"))
		optOut := bytes.Contains(b, []byte("func WithoutAuthentication()"))
		if flag != required || optOut != required {
			t.Errorf("%s: RequiresAuth %v, WithoutAuthentication %v; want %v", api, flag, optOut, required)
		}
	}

	bearer := openapi3.SecurityRequirement{"bearer": {}}
	anonymous := openapi3.SecurityRequirement{}
	secured := []*facadeOp{{Security: ""}, {Security: "basic"}}
	mixed := []*facadeOp{{Security: ""}, {Security: "none"}}
	for name, tc := range map[string]struct {
		global openapi3.SecurityRequirements
		ops    []*facadeOp
		want   bool
	}{
		"global requirement":                 {openapi3.SecurityRequirements{bearer}, mixed, true},
		"global requirement, anonymous too":  {openapi3.SecurityRequirements{bearer, anonymous}, mixed, false},
		"no global, every operation secured": {nil, secured, true},
		"no global, one operation is public": {nil, mixed, false},
		"global anonymous, every op secured": {openapi3.SecurityRequirements{anonymous}, secured, true},
		"no operations and no global":        {nil, nil, false},
	} {
		if got := requiresAuth(&openapi3.T{Security: tc.global}, tc.ops); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

// TestTokenParamMustNameAQueryParameterOfAURLBuilder: x-idsdk-token-param
// is checked against the operation, so a typo cannot silently build URLs
// without the token.
func TestTokenParamMustNameAQueryParameterOfAURLBuilder(t *testing.T) {
	root := copyAPI(t, "nexaasid")
	doc := filepath.Join(root, "api", "nexaasid", "openapi.yaml")
	orig, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := gen(t, "-root", root); err != nil {
		t.Fatal(err)
	}
	services, err := os.ReadFile(filepath.Join(root, "gen", "nexaasid", "services.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(services, []byte(`NavbarURL(ctx context.Context, params *WidgetsNavbarURLParams`)) ||
		!bytes.Contains(services, []byte(`TokenParam: "access_token"`)) {
		t.Fatal("the navbar URL builder does not take the token from the client")
	}
	typo := strings.Replace(string(orig), "x-idsdk-token-param: access_token", "x-idsdk-token-param: acess_token", 1)
	if err := os.WriteFile(doc, []byte(typo), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := gen(t, "-root", root); err == nil || !strings.Contains(err.Error(), "acess_token") {
		t.Errorf("a token parameter the operation lacks: %v", err)
	}
}
