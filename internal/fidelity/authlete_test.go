package fidelity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/gen/authlete"
)

// authleteTypes maps each fixture under testdata/authlete (named after the
// data class of Authlete's Java library it stands for) to the generated
// type that reads the same JSON.
var authleteTypes = map[string]func() any{
	"AttestationChallengeRequest":               func() any { return new(authlete.AttestationChallengeRequest) },
	"AttestationChallengeResponse":              func() any { return new(authlete.AttestationChallengeResponse) },
	"BackchannelLogoutTokenRequest":             func() any { return new(authlete.BackchannelLogoutTokenRequest) },
	"BackchannelLogoutTokenResponse":            func() any { return new(authlete.BackchannelLogoutTokenResponse) },
	"CredentialNonceRequest":                    func() any { return new(authlete.VCINonceRequest) },
	"CredentialNonceResponse":                   func() any { return new(authlete.VCINonceResponse) },
	"StringArray":                               func() any { return new(authlete.StringArray) },
	"AccessToken":                               func() any { return new(authlete.AccessToken) },
	"AuthorizationFailRequest":                  func() any { return new(authlete.AuthorizationFailRequest) },
	"AuthorizationFailResponse":                 func() any { return new(authlete.AuthorizationFailResponse) },
	"AuthorizationIssueRequest":                 func() any { return new(authlete.AuthorizationIssueRequest) },
	"AuthorizationIssueResponse":                func() any { return new(authlete.AuthorizationIssueResponse) },
	"AuthorizationRequest":                      func() any { return new(authlete.AuthorizationRequest) },
	"AuthorizationResponse":                     func() any { return new(authlete.AuthorizationResponse) },
	"AuthorizationTicketInfo":                   func() any { return new(authlete.AuthorizationTicketInfo) },
	"AuthorizationTicketInfoRequest":            func() any { return new(authlete.AuthorizationTicketInfoRequest) },
	"AuthorizationTicketInfoResponse":           func() any { return new(authlete.AuthorizationTicketInfoResponse) },
	"AuthorizationTicketUpdateRequest":          func() any { return new(authlete.AuthorizationTicketUpdateRequest) },
	"AuthorizationTicketUpdateResponse":         func() any { return new(authlete.AuthorizationTicketUpdateResponse) },
	"AuthorizedClientListResponse":              func() any { return new(authlete.ClientAuthorizationGetListResponse) },
	"AuthzDetails":                              func() any { return new(authlete.AuthzDetails) },
	"AuthzDetailsElement":                       func() any { return new(authlete.AuthorizationDetailsElement) },
	"BackchannelAuthenticationCompleteRequest":  func() any { return new(authlete.BackchannelAuthenticationCompleteRequest) },
	"BackchannelAuthenticationCompleteResponse": func() any { return new(authlete.BackchannelAuthenticationCompleteResponse) },
	"BackchannelAuthenticationFailRequest":      func() any { return new(authlete.BackchannelAuthenticationFailRequest) },
	"BackchannelAuthenticationFailResponse":     func() any { return new(authlete.BackchannelAuthenticationFailResponse) },
	"BackchannelAuthenticationIssueRequest":     func() any { return new(authlete.BackchannelAuthenticationIssueRequest) },
	"BackchannelAuthenticationIssueResponse":    func() any { return new(authlete.BackchannelAuthenticationIssueResponse) },
	"BackchannelAuthenticationRequest":          func() any { return new(authlete.BackchannelAuthenticationRequest) },
	"BackchannelAuthenticationResponse":         func() any { return new(authlete.BackchannelAuthenticationResponse) },
	"CimdOptions":                               func() any { return new(authlete.CIMDOptions) },
	"Client":                                    func() any { return new(authlete.OAuthClient) },
	"ClientAuthorizationGetListRequest":         func() any { return new(authlete.ClientAuthorizationGetListRequest) },
	"ClientAuthorizationUpdateRequest":          func() any { return new(authlete.ClientAuthorizationUpdateRequest) },
	"ClientAuthorizationUpdateResponse":         func() any { return new(authlete.ClientAuthorizationUpdateResponse) },
	"ClientExtension":                           func() any { return new(authlete.ClientExtension) },
	"ClientFlagUpdateResponse":                  func() any { return new(authlete.ClientFlagUpdateResponse) },
	"ClientListResponse":                        func() any { return new(authlete.ClientGetListResponse) },
	"ClientLockFlagUpdateRequest":               func() any { return new(authlete.ClientFlagUpdateRequest) },
	"ClientRegistrationRequest":                 func() any { return new(authlete.ClientRegistrationRequest) },
	"ClientRegistrationResponse":                func() any { return new(authlete.ClientRegistrationResponse) },
	"ClientSecretRefreshResponse":               func() any { return new(authlete.ClientSecretRefreshResponse) },
	"ClientSecretUpdateRequest":                 func() any { return new(authlete.ClientSecretUpdateRequest) },
	"ClientSecretUpdateResponse":                func() any { return new(authlete.ClientSecretUpdateResponse) },
	"CredentialBatchIssueRequest":               func() any { return new(authlete.VCIBatchIssueRequest) },
	"CredentialBatchIssueResponse":              func() any { return new(authlete.VCIBatchIssueResponse) },
	"CredentialBatchParseRequest":               func() any { return new(authlete.VCIBatchParseRequest) },
	"CredentialBatchParseResponse":              func() any { return new(authlete.VCIBatchParseResponse) },
	"CredentialDeferredIssueRequest":            func() any { return new(authlete.VCIDeferredIssueRequest) },
	"CredentialDeferredIssueResponse":           func() any { return new(authlete.VCIDeferredIssueResponse) },
	"CredentialDeferredParseRequest":            func() any { return new(authlete.VCIDeferredParseRequest) },
	"CredentialDeferredParseResponse":           func() any { return new(authlete.VCIDeferredParseResponse) },
	"CredentialIssuanceOrder":                   func() any { return new(authlete.CredentialIssuanceOrder) },
	"CredentialIssuerJwksRequest":               func() any { return new(authlete.VCIJWKSRequest) },
	"CredentialIssuerJwksResponse":              func() any { return new(authlete.VCIJWKSResponse) },
	"CredentialIssuerMetadata":                  func() any { return new(authlete.CredentialIssuerMetadata) },
	"CredentialIssuerMetadataRequest":           func() any { return new(authlete.VCIMetadataRequest) },
	"CredentialIssuerMetadataResponse":          func() any { return new(authlete.VCIMetadataResponse) },
	"CredentialJwtIssuerMetadataRequest":        func() any { return new(authlete.VCIJWTIssuerRequest) },
	"CredentialJwtIssuerMetadataResponse":       func() any { return new(authlete.VCIJWTIssuerResponse) },
	"CredentialOfferCreateRequest":              func() any { return new(authlete.VCIOfferCreateRequest) },
	"CredentialOfferCreateResponse":             func() any { return new(authlete.VCIOfferCreateResponse) },
	"CredentialOfferInfo":                       func() any { return new(authlete.CredentialOfferInfo) },
	"CredentialOfferInfoRequest":                func() any { return new(authlete.VCIOfferInfoRequest) },
	"CredentialOfferInfoResponse":               func() any { return new(authlete.VCIOfferInfoResponse) },
	"CredentialRequestInfo":                     func() any { return new(authlete.CredentialRequestInfo) },
	"CredentialSingleIssueRequest":              func() any { return new(authlete.VCISingleIssueRequest) },
	"CredentialSingleIssueResponse":             func() any { return new(authlete.VCISingleIssueResponse) },
	"CredentialSingleParseRequest":              func() any { return new(authlete.VCISingleParseRequest) },
	"CredentialSingleParseResponse":             func() any { return new(authlete.VCISingleParseResponse) },
	"DeviceAuthorizationRequest":                func() any { return new(authlete.DeviceAuthorizationRequest) },
	"DeviceAuthorizationResponse":               func() any { return new(authlete.DeviceAuthorizationResponse) },
	"DeviceCompleteRequest":                     func() any { return new(authlete.DeviceCompleteRequest) },
	"DeviceCompleteResponse":                    func() any { return new(authlete.DeviceCompleteResponse) },
	"DeviceVerificationRequest":                 func() any { return new(authlete.DeviceVerificationRequest) },
	"DeviceVerificationResponse":                func() any { return new(authlete.DeviceVerificationResponse) },
	"DynamicScope":                              func() any { return new(authlete.DynamicScope) },
	"FederationConfigurationResponse":           func() any { return new(authlete.FederationConfigurationResponse) },
	"FederationRegistrationRequest":             func() any { return new(authlete.FederationRegistrationRequest) },
	"FederationRegistrationResponse":            func() any { return new(authlete.FederationRegistrationResponse) },
	"GMRequest":                                 func() any { return new(authlete.GMRequest) },
	"GMResponse":                                func() any { return new(authlete.GMResponse) },
	"Grant":                                     func() any { return new(authlete.Grant) },
	"GrantScope":                                func() any { return new(authlete.GrantScope) },
	"Hsk":                                       func() any { return new(authlete.HSK) },
	"HskCreateRequest":                          func() any { return new(authlete.HSKCreateRequest) },
	"HskListResponse":                           func() any { return new(authlete.HSKGetListResponse) },
	"HskResponse":                               func() any { return new(authlete.HSKGetResponse) },
	"IDTokenReissueRequest":                     func() any { return new(authlete.IDTokenReissueRequest) },
	"IDTokenReissueResponse":                    func() any { return new(authlete.IDTokenReissueResponse) },
	"IntrospectionRequest":                      func() any { return new(authlete.IntrospectionRequest) },
	"IntrospectionResponse":                     func() any { return new(authlete.IntrospectionResponse) },
	"JoseVerifyRequest":                         func() any { return new(authlete.JOSEVerifyRequest) },
	"JoseVerifyResponse":                        func() any { return new(authlete.JOSEVerifyResponse) },
	"NamedUri":                                  func() any { return new(authlete.NamedURI) },
	"NativeSsoLogoutRequest":                    func() any { return new(authlete.NativeSSOLogoutRequest) },
	"NativeSsoLogoutResponse":                   func() any { return new(authlete.NativeSSOLogoutResponse) },
	"NativeSsoRequest":                          func() any { return new(authlete.NativeSSORequest) },
	"NativeSsoResponse":                         func() any { return new(authlete.NativeSSOResponse) },
	"Pair":                                      func() any { return new(authlete.Pair) },
	"Property":                                  func() any { return new(authlete.Property) },
	"PushedAuthReqRequest":                      func() any { return new(authlete.PushedAuthorizationRequest) },
	"PushedAuthReqResponse":                     func() any { return new(authlete.PushedAuthorizationResponse) },
	"RevocationRequest":                         func() any { return new(authlete.RevocationRequest) },
	"RevocationResponse":                        func() any { return new(authlete.RevocationResponse) },
	"Scope":                                     func() any { return new(authlete.Scope) },
	"Service":                                   func() any { return new(authlete.Service) },
	"ServiceListResponse":                       func() any { return new(authlete.ServiceGetListResponse) },
	"SnsCredentials":                            func() any { return new(authlete.SNSCredentials) },
	"StandardIntrospectionRequest":              func() any { return new(authlete.StandardIntrospectionRequest) },
	"StandardIntrospectionResponse":             func() any { return new(authlete.StandardIntrospectionResponse) },
	"TaggedValue":                               func() any { return new(authlete.TaggedValue) },
	"TokenBatchStatus":                          func() any { return new(authlete.TokenBatchStatus) },
	"TokenCreateBatchResponse":                  func() any { return new(authlete.TokenCreateBatchResponse) },
	"TokenCreateBatchStatusResponse":            func() any { return new(authlete.TokenCreateBatchStatusResponse) },
	"TokenCreateRequest":                        func() any { return new(authlete.TokenCreateRequest) },
	"TokenCreateResponse":                       func() any { return new(authlete.TokenCreateResponse) },
	"TokenFailRequest":                          func() any { return new(authlete.TokenFailRequest) },
	"TokenFailResponse":                         func() any { return new(authlete.TokenFailResponse) },
	"TokenInfo":                                 func() any { return new(authlete.TokenInfo) },
	"TokenIssueRequest":                         func() any { return new(authlete.TokenIssueRequest) },
	"TokenIssueResponse":                        func() any { return new(authlete.TokenIssueResponse) },
	"TokenListResponse":                         func() any { return new(authlete.TokenGetListResponse) },
	"TokenRequest":                              func() any { return new(authlete.TokenRequest) },
	"TokenResponse":                             func() any { return new(authlete.TokenResponse) },
	"TokenRevokeRequest":                        func() any { return new(authlete.TokenRevokeRequest) },
	"TokenRevokeResponse":                       func() any { return new(authlete.TokenRevokeResponse) },
	"TokenUpdateRequest":                        func() any { return new(authlete.TokenUpdateRequest) },
	"TokenUpdateResponse":                       func() any { return new(authlete.TokenUpdateResponse) },
	"TrustAnchor":                               func() any { return new(authlete.TrustAnchor) },
	"UserInfoIssueRequest":                      func() any { return new(authlete.UserinfoIssueRequest) },
	"UserInfoIssueResponse":                     func() any { return new(authlete.UserinfoIssueResponse) },
	"UserInfoRequest":                           func() any { return new(authlete.UserinfoRequest) },
	"UserInfoResponse":                          func() any { return new(authlete.UserinfoResponse) },
}

// TestAuthleteJavaClassesRoundTrip decodes, for every request and response
// class of Authlete's Java library, a value with every property of that
// class into our generated type, encodes it again and checks that no member
// is lost or changed and that each one lands in a typed field.
func TestAuthleteJavaClassesRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "authlete", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	total, kept := 0, 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s: fixture: %v", name, err)
		}
		total += len(want)
		lost := roundTrip(name, raw, want)
		kept += len(want) - len(lost)
		for _, l := range lost {
			t.Errorf("%s.%s", name, l)
		}
	}
	t.Logf("authlete: %d of %d properties of %d classes survive a round trip", kept, total, len(files))
}

// roundTrip returns, one line each, the members of want that do not
// survive decoding raw into the type mapped to name and encoding it again.
func roundTrip(name string, raw []byte, want map[string]any) []string {
	newValue, ok := authleteTypes[name]
	if !ok {
		return all(want, "no generated type")
	}
	v := newValue()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return all(want, "decode: "+err.Error())
	}
	out, err := json.Marshal(v)
	if err != nil {
		return all(want, "encode: "+err.Error())
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		return all(want, "re-read: "+err.Error())
	}
	var lost []string
	typ := reflect.TypeOf(v).Elem()
	for _, key := range sortedKeys(want) {
		g, present := got[key]
		switch {
		case !present:
			lost = append(lost, key+": lost")
		case !reflect.DeepEqual(g, want[key]):
			lost = append(lost, fmt.Sprintf("%s: changed, got %s", key, short(g)))
		default:
			if path := untyped(typ, key, want[key]); path != "" {
				lost = append(lost, key+": no typed field for "+path)
			}
		}
	}
	return lost
}

// untyped walks a JSON member and the Go type that should hold it and
// returns the path of the first member that has no struct field of its own
// (kept, if at all, only in a catch-all), or "" when all of it is typed.
func untyped(t reflect.Type, key string, v any) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "" // a map, slice of maps, string... checked by value
	}
	if key != "" {
		f, ok := fieldByJSONName(t, key)
		if !ok {
			return key
		}
		if p := untypedValue(f.Type, v); p != "" {
			return key + "." + p
		}
		return ""
	}
	return untypedValue(t, v)
}

func untypedValue(t reflect.Type, v any) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch val := v.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct || isUnion(t) {
			return ""
		}
		for _, k := range sortedKeys(val) {
			if p := untyped(t, k, val[k]); p != "" {
				return p
			}
		}
	case []any:
		if t.Kind() != reflect.Slice {
			return ""
		}
		for i, e := range val {
			if p := untypedValue(t.Elem(), e); p != "" {
				return fmt.Sprintf("[%d].%s", i, p)
			}
		}
	}
	return ""
}

// isUnion reports whether t is an oapi-codegen union, which holds its JSON
// raw and decodes it on demand.
func isUnion(t reflect.Type) bool {
	f, ok := t.FieldByName("union")
	return ok && f.Type == reflect.TypeOf(json.RawMessage(nil))
}

func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		if tag == name {
			return f, true
		}
		if tag == "" && f.Anonymous {
			if sf, ok := fieldByJSONName(f.Type, name); ok {
				return sf, true
			}
		}
	}
	return reflect.StructField{}, false
}

func all(m map[string]any, why string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+": "+why)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}
