package auth0

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func TestParseQuery(t *testing.T) {
	ada := obj{
		"email": "Ada@Example.com", "name": "Ada Lovelace", "blocked": false,
		"app_metadata": obj{"plan": "pro"},
		"identities":   []any{obj{"connection": "Username-Password-Authentication"}},
	}
	cases := []struct {
		q    string
		want bool
	}{
		{"", true},
		{`email:"ada@example.com"`, true},
		{`email:"ada@example"`, false},
		{"email:*@example.com", true},
		{"email:*@other.com", false},
		{`name:"Ada Lovelace"`, true},
		{"ada@example.com", true},
		{"app_metadata.plan:pro", true},
		{"identities.connection:Username-Password-Authentication", true},
		{"blocked:false AND app_metadata.plan:pro", true},
		{"blocked:true AND app_metadata.plan:pro", false},
		{"blocked:true OR app_metadata.plan:pro", true},
		{"NOT blocked:true", true},
		{"-app_metadata.plan:pro", false},
		{"_exists_:app_metadata.plan", true},
		{"_exists_:user_metadata", false},
	}
	for _, c := range cases {
		m, err := parseQuery(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if got := m(ada); got != c.want {
			t.Errorf("%q: %t, want %t", c.q, got, c.want)
		}
	}
	if _, err := parseQuery(`email:"open`); err == nil {
		t.Error("unbalanced quotes were accepted")
	}
}

func TestPagingStyles(t *testing.T) {
	items := []obj{{"id": "1"}, {"id": "2"}, {"id": "3"}}
	get := func(query string) (int, any) {
		w := httptest.NewRecorder()
		err := page(w, httptest.NewRequest("GET", "/x?"+query, nil), "things", items)
		if err != nil {
			return 400, err
		}
		var v any
		_ = json.Unmarshal(w.Body.Bytes(), &v)
		return w.Code, v
	}
	if _, v := get("per_page=2&page=1"); len(v.([]any)) != 1 {
		t.Errorf("page 1 of 2: %v", v)
	}
	if _, v := get("per_page=2&include_totals=true"); v.(map[string]any)["total"] != 3.0 || len(v.(map[string]any)["things"].([]any)) != 2 {
		t.Errorf("with totals: %v", v)
	}
	_, v := get("take=2")
	first := v.(map[string]any)
	next, _ := first["next"].(string)
	if len(first["things"].([]any)) != 2 || next == "" {
		t.Fatalf("first checkpoint page: %v", v)
	}
	if _, v := get("take=2&from=" + next); len(v.(map[string]any)["things"].([]any)) != 1 || v.(map[string]any)["next"] != nil {
		t.Errorf("last checkpoint page: %v", v)
	}
	for _, bad := range []string{"per_page=101", "page=-1", "take=x", "from=!!"} {
		if code, _ := get(bad); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}
