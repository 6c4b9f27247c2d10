package main

import (
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestDestutterDropsTheServiceName(t *testing.T) {
	for _, tc := range []struct{ group, name, want string }{
		{"Users", "ListUsersByEmail", "ListByEmail"},
		{"Clients", "DeleteClientTokens", "DeleteTokens"},
		{"Clients", "GetGrantedScopesForClient", "GetGrantedScopes"},
		{"Clients", "RegisterCimdClient", "RegisterCimd"},
		{"Organizations.Members", "ListMembers", "List"},
		{"Policies", "GetPolicy", "Get"},
		// Unchanged: the name alone, a word that only starts with the
		// service's name, another service's name.
		{"Users", "Users", "Users"},
		{"Users", "ListUsernames", "ListUsernames"},
		{"Actions.Modules", "ListActions", "ListActions"},
	} {
		if got := destutter(tc.group, tc.name); got != tc.want {
			t.Errorf("destutter(%q, %q) = %q, want %q", tc.group, tc.name, got, tc.want)
		}
	}
}

func TestArgsShareTheTypeOfAdjacentParameters(t *testing.T) {
	for _, tc := range []struct {
		op   facadeOp
		want string
	}{
		{facadeOp{}, ""},
		{facadeOp{PathParams: []arg{{"id", "string"}}}, "id string"},
		{facadeOp{PathParams: []arg{{"organizationID", "string"}, {"memberID", "string"}}, BodyType: "MemberUpdate"},
			"organizationID, memberID string, body MemberUpdate"},
		// Only neighbours share: string, enum, string stays three.
		{facadeOp{PathParams: []arg{{"id", "string"}, {"prompt", "PromptName"}, {"language", "string"}}, ParamsType: "PromptsGetParams"},
			"id string, prompt PromptName, language string, params *PromptsGetParams"},
		// A raw body's content type joins a string path parameter.
		{facadeOp{PathParams: []arg{{"clientID", "string"}}, RawBody: true}, "clientID, contentType string, body io.Reader"},
	} {
		if got := tc.op.Args(); got != tc.want {
			t.Errorf("Args() = %q, want %q", got, tc.want)
		}
	}
}

func TestDurationExprIsReadable(t *testing.T) {
	for d, want := range map[time.Duration]string{
		60 * time.Second:        "time.Minute",
		90 * time.Second:        "90 * time.Second",
		2 * time.Hour:           "2 * time.Hour",
		1500 * time.Millisecond: "1500 * time.Millisecond",
		10 * time.Second:        "10 * time.Second",
	} {
		if got := durationExpr(d); got != want {
			t.Errorf("durationExpr(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestRenameTypeRenamesTheTypeAndItsDerivedTypes(t *testing.T) {
	renames := map[string]string{
		"GetUsersParams":           "UsersListParams",
		"AuthorizeParams":          "AuthorizeURLParams",
		"CreateUserRequestContent": "CreateUserRequest",
		"AppUpdateJSONBody":        "AppUpdateBody",
	}
	for in, want := range map[string]string{
		"GetUsersParams":                      "UsersListParams",
		"GetUsersParamsSort":                  "UsersListParamsSort",
		"AuthorizeParamsResponseTypeCode":     "AuthorizeURLParamsResponseTypeCode",
		"CreateUserRequestContentAppMetadata": "CreateUserRequestAppMetadata",
		"CreateUserRequestContent2":           "CreateUserRequest2",
		"AppUpdateJSONBodyAppCategory":        "AppUpdateBodyAppCategory",
		// Not derived: another word goes on, or the name only contains one.
		"GetUsersByEmailParams":        "GetUsersByEmailParams",
		"SearchParamsView":             "SearchParamsView",
		"CreateUserRequestContents":    "CreateUserRequestContents",
		"BulkCreateUserRequestContent": "BulkCreateUserRequestContent",
	} {
		if got := renameType(in, renames); got != want {
			t.Errorf("renameType(%q) = %q, want %q", in, got, want)
		}
	}
	r := newTypeRenamer(renames)
	in := `// body: CreateUserRequestContent, from schema "CreateUserRequestContent"; []AppUpdateJSONBody.`
	want := `// body: CreateUserRequest, from schema "CreateUserRequestContent"; []AppUpdateBody.`
	if got := r.text(in); got != want {
		t.Errorf("text:\n got %s\nwant %s", got, want)
	}
}

func TestSmithyWordsAreDroppedOnlyWhenTheNameIsFree(t *testing.T) {
	code := "package x\n\ntype FooRequestContent struct{}\n\ntype FooRequest struct{}\n\n" +
		"type BarResponseContent struct{}\n\ntype BarResponseContentItem struct{}\n\ntype BazContent struct{}\n\n" +
		"type ColorEnum string\n\ntype SizeEnum string\n\ntype Size struct{}\n\ntype Enum string\n"
	renames, err := typeRenames(code, nil, &facadeModel{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"BarResponseContent": "BarResponse", "ColorEnum": "Color"}
	if len(renames) != len(want) || renames["BarResponseContent"] != "BarResponse" || renames["ColorEnum"] != "Color" {
		t.Errorf("typeRenames = %v, want %v", renames, want)
	}
}

func TestLiftHeaderParamsKeepsTheQuery(t *testing.T) {
	spec := &openapi3.T{Paths: openapi3.NewPaths()}
	header := &openapi3.ParameterRef{Value: &openapi3.Parameter{Name: "X-Trace", In: "header"}}
	query := &openapi3.ParameterRef{Value: &openapi3.Parameter{Name: "q", In: "query"}}
	shared := &openapi3.ParameterRef{Value: &openapi3.Parameter{Name: "X-Tenant", In: "header"}}
	spec.Paths.Set("/things", &openapi3.PathItem{
		Parameters: openapi3.Parameters{shared},
		Get:        &openapi3.Operation{OperationID: "list_things", Parameters: openapi3.Parameters{header, query}},
	})
	facts := liftHeaderParams(spec)
	op := spec.Paths.Value("/things").Get
	if len(op.Parameters) != 1 || op.Parameters[0].Value.Name != "q" || len(spec.Paths.Value("/things").Parameters) != 0 {
		t.Errorf("parameters left: %v", op.Parameters)
	}
	hs := facts.Headers["GET /things"]
	if len(hs) != 2 || hs[0].Name != "X-Tenant" || hs[1].Name != "X-Trace" {
		t.Errorf("headers = %v", hs)
	}
	if facts.IDs["GET /things"] != "list_things" {
		t.Errorf("ids = %v", facts.IDs)
	}
	opts, err := headerOptions(facadeConfig{}, facts.Headers)
	if err != nil || opts["X-Trace"].RequestOption != "WithXTrace" || opts["X-Tenant"].RequestOption != "WithXTenant" {
		t.Errorf("header options = %v, %v", opts, err)
	}
}

func TestSchemaFactsGiveLimitsAndEnums(t *testing.T) {
	min, max := 1.0, 100.0
	maxLen, one := uint64(255), uint64(1)
	for _, tc := range []struct {
		s    *openapi3.Schema
		want string
	}{
		{&openapi3.Schema{Type: &openapi3.Types{"integer"}, Min: &min, Max: &max, Default: 50}, "integer, >= 1, <= 100, default 50"},
		{&openapi3.Schema{Type: &openapi3.Types{"string"}, MinLength: 3, MaxLength: &maxLen, Pattern: "^[a-z]+$"}, "string, 3 to 255 characters, pattern ^[a-z]+$"},
		{&openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"v1", "v2"}}, `string, one of "v1", "v2"`},
		{&openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}, MaxItems: &maxLen}, "array of string, at most 255 items"},
		{&openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Enum: []any{"sms", "voice"}, MinLength: 1}}, MinItems: 1},
			`array of string (each one of "sms", "voice", at least 1 character), at least 1 item`},
		{&openapi3.Schema{Type: &openapi3.Types{"object"}, MinProps: 1, MaxProps: &one}, "object, exactly 1 member"},
		{&openapi3.Schema{Type: &openapi3.Types{"string"}, OneOf: openapi3.SchemaRefs{{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "ipv4"}}, {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "ipv6"}}}}, "string (ipv4 or ipv6)"},
		{&openapi3.Schema{OneOf: openapi3.SchemaRefs{{Ref: "#/components/schemas/A"}, {Ref: "#/components/schemas/B"}}}, `one of schemas "A", "B"`},
	} {
		if got := schemaFacts(&openapi3.SchemaRef{Value: tc.s}); got != tc.want {
			t.Errorf("schemaFacts = %q, want %q", got, tc.want)
		}
	}
}

func TestReferenceURLFillsThePattern(t *testing.T) {
	op := &facadeOp{DocID: "get_users-by-email", Tag: "users-by-email", Method: "GET", Path: "/api/{serviceId}/auth/authorization"}
	if got := referenceURL("https://example.com/{tag}/{operationId-kebab}", op); got != "https://example.com/users-by-email/get-users-by-email" {
		t.Errorf("kebab: %s", got)
	}
	if got := referenceURL("https://example.com/x#{method}-{path-dashed}", op); got != "https://example.com/x#get-/api/-serviceId-/auth/authorization" {
		t.Errorf("dashed: %s", got)
	}
	if referenceURL("", op) != "" {
		t.Error("no pattern, yet a URL")
	}
}

// TestGeneratedMethodsAreOneCallWithFactDocs: every generated method body
// is one call into the runtime, its doc gives the HTTP method, path and
// operationId, and no import keeper or raw client is generated.
func TestGeneratedMethodsAreOneCallWithFactDocs(t *testing.T) {
	files, err := generateAPI(repoRoot, "authlete", false)
	if err != nil {
		t.Fatal(err)
	}
	services := string(files["gen/authlete/services.gen.go"])
	models := string(files["gen/authlete/authlete.gen.go"])
	for _, bad := range []string{"var _ =", "RawClient", "NewRequest", "time.Duration("} {
		if strings.Contains(services+models+string(files["gen/authlete/client.gen.go"]), bad) {
			t.Errorf("generated code holds %q", bad)
		}
	}
	methods := strings.Split(services, "\nfunc (s *")[1:]
	if len(methods) < 90 {
		t.Fatalf("%d methods", len(methods))
	}
	for _, m := range methods {
		body := m[strings.Index(m, "{\n")+2 : strings.Index(m, "\n}")]
		if strings.Count(body, "\n") != 0 || !strings.HasPrefix(strings.TrimSpace(body), "return ") {
			t.Errorf("method %s is not one call:\n%s", m[:strings.Index(m, "(")], body)
		}
	}
	for _, want := range []string{
		"// ProcessRequest sends POST /api/{serviceId}/auth/authorization (operation auth_authorization_api).",
		"// Reference: https://docs.authlete.com/en/shared/latest#post-/api/-serviceId-/auth/authorization",
		"// Security: a bearer token (bearer).",
		"//   - serviceID: path parameter \"serviceId\", string.",
		"Errors (an *errors.APIError, matching with errors.Is the sentinels named): 400 (ErrBadRequest), 401 (ErrUnauthorized), 403 (ErrForbidden), 500 (ErrServer).",
	} {
		if !strings.Contains(services, want) {
			t.Errorf("services.gen.go lacks %q", want)
		}
	}
}
