package zaikio_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idsdk/idsdk-go/auth/zaikio"
)

func TestScopes(t *testing.T) {
	ok := map[string]zaikio.Scope{
		"Org.directory.sites.rw":                     zaikio.OrgScope("directory.sites.rw"),
		"Per.directory.person.r":                     zaikio.PersonScope("directory.person.r"),
		"Org/b1475f65-236c.directory.machines.r":     zaikio.OrgScopeFor("b1475f65-236c", "directory.machines.r"),
		"Per/0f9a.directory.organization_members.rw": zaikio.PersonScopeFor("0f9a", "directory.organization_members.rw"),
	}
	for in, want := range ok {
		got, err := zaikio.ParseScope(in)
		if err != nil || got != want {
			t.Errorf("ParseScope(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if want.String() != in {
			t.Errorf("%+v.String() = %q, want %q", want, want.String(), in)
		}
		if err := want.Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", in, err)
		}
	}
	for _, in := range []string{"", "Org", "Org.", "Foo.x", "org.x", "Org/.x", "Org/a/b.x", "Org.a..b", "Org.a.", "Org.a b", "Org.a,b", "Per.\x00", "Org./x"} {
		if _, err := zaikio.ParseScope(in); !errors.Is(err, zaikio.ErrInvalidScope) {
			t.Errorf("ParseScope(%q) = %v; want ErrInvalidScope", in, err)
		}
	}
}

func TestSubscriptionScopes(t *testing.T) {
	cases := map[string]zaikio.SubscriptionScope{
		"Org.subscription_create":                   {},
		"Org.subscription_create.advanced":          {Plan: "advanced"},
		"Org.subscription_create_my_app":            {App: "my_app"},
		"Org/42.subscription_create_warehouse.free": {OrgID: "42", App: "warehouse", Plan: "free"},
		"Org/42-a.subscription_create.free":         {OrgID: "42-a", Plan: "free"},
	}
	for in, want := range cases {
		got, err := zaikio.ParseSubscriptionScope(in)
		if err != nil || got != want {
			t.Errorf("ParseSubscriptionScope(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if want.String() != in {
			t.Errorf("%+v.String() = %q, want %q", want, want.String(), in)
		}
		sc, _ := zaikio.ParseScope(in)
		if sub, ok := sc.Subscription(); !ok || sub != want {
			t.Errorf("Scope(%q).Subscription() = %+v, %v", in, sub, ok)
		}
	}
	for _, in := range []string{"Per.subscription_create", "Org.subscription_created", "Org.subscription_create_", "Org.subscription_create.a.b", "Org.directory.sites.r", "Org.subscription_create."} {
		if _, err := zaikio.ParseSubscriptionScope(in); !errors.Is(err, zaikio.ErrInvalidScope) {
			t.Errorf("ParseSubscriptionScope(%q) = %v; want ErrInvalidScope", in, err)
		}
	}
}

func TestJoinSplit(t *testing.T) {
	joined := zaikio.FormatScopes(zaikio.PersonScope("directory.person.r"), zaikio.OrgScope("directory.sites.rw"))
	if joined != "Per.directory.person.r,Org.directory.sites.rw" {
		t.Errorf("FormatScopes = %q", joined)
	}
	if got := zaikio.SplitScopes(" a,b ,, c d"); !cmp.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("SplitScopes = %q", got)
	}
	if got, err := zaikio.ParseScopes(joined); err != nil || len(got) != 2 {
		t.Errorf("ParseScopes = %v, %v", got, err)
	}
	if _, err := zaikio.ParseScopes("Per.x,bad"); err == nil {
		t.Error("ParseScopes accepted a bad entry")
	}
}
