package httpapi_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
)

func TestTokensOverHTTP(t *testing.T) {
	a := newAuthAPI(t)
	admin := a.login("p-admin")
	as := func(cookie string) []string { return []string{"Cookie", cookie, "Origin", a.url} }
	path := "/v1/structures/s-ml/tokens"
	var tok httpapi.NewAPIToken
	r := a.ok(a.do("POST", path, "", map[string]string{"name": "CRM sync", "role": "counsellor", "person_id": "p-app"}, as(admin)...))
	r.json(t, &tok)
	if r.status != http.StatusCreated || len(tok.Token) != 47 || tok.PersonID != "p-app" || tok.Role != domain.RoleCounsellor || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %+v", r.status, tok)
	}
	// The token acts as the app person, in the structure it was made for.
	var me httpapi.Me
	a.ok(a.do("GET", "/v1/me", tok.Token, nil)).json(t, &me)
	if me != (httpapi.Me{PersonID: "p-app", StructureID: "s-ml", Role: domain.RoleCounsellor}) {
		t.Fatalf("me as the app: %+v", me)
	}
	a.clock.add(2 * time.Minute)
	a.ok(a.do("GET", "/v1/me", tok.Token, nil))
	r = a.ok(a.do("GET", path, "", nil, as(admin)...))
	if bytes.Contains(r.body, []byte(tok.Token[4:])) {
		t.Fatal("the list shows the secret")
	}
	var list httpapi.TokenList
	r.json(t, &list)
	if len(list.Tokens) != 1 || list.Tokens[0].ID != tok.ID || list.Tokens[0].Revoked || list.Tokens[0].CreatedBy != "p-admin" ||
		list.Tokens[0].LastUsedAt == nil || !list.Tokens[0].LastUsedAt.Equal(a.clock.now()) {
		t.Fatalf("list: %+v", list)
	}
	// Who may manage them: the structure's admins; others do not learn
	// that another structure's tokens exist.
	other, cons := a.login("p-other"), a.login("p-cons")
	for _, tc := range []struct {
		who    string
		method string
		path   string
		status int
	}{
		{other, "GET", path, http.StatusNotFound},
		{other, "DELETE", path + "/" + tok.ID, http.StatusNotFound},
		{other, "POST", path, http.StatusNotFound},
		{cons, "GET", path, http.StatusForbidden},
		{cons, "DELETE", path + "/" + tok.ID, http.StatusForbidden},
		{admin, "DELETE", path + "/tok-none", http.StatusNotFound},
		{admin, "POST", "/v1/structures/s-other/tokens", http.StatusNotFound},
	} {
		var body any
		if tc.method == "POST" {
			body = map[string]string{"name": "x", "role": "counsellor", "person_id": "p-app"}
		}
		if r := a.do(tc.method, tc.path, "", body, as(tc.who)...); r.status != tc.status {
			t.Errorf("%s %s: %d, want %d: %s", tc.method, tc.path, r.status, tc.status, r.body)
		}
	}
	if r := a.do("POST", path, "", map[string]string{"name": "x", "role": "tutor", "person_id": "p-app"}, as(admin)...); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a role the app person was not enrolled in: %d %s", r.status, r.body)
	}
	if r := a.do("DELETE", path+"/"+tok.ID, "", nil, as(admin)...); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := a.do("GET", "/v1/me", tok.Token, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d %s", r.status, r.body)
	}
	a.ok(a.do("GET", path, "", nil, as(admin)...)).json(t, &list)
	if !list.Tokens[0].Revoked || list.Tokens[0].RevokedAt == nil {
		t.Fatalf("not shown revoked: %+v", list.Tokens[0])
	}
	for _, bad := range []string{"prc_" + string(bytes.Repeat([]byte("A"), 43)), "not-a-token"} {
		if r := a.do("GET", "/v1/me", bad, nil); r.status != http.StatusUnauthorized {
			t.Fatalf("token %q: %d", bad, r.status)
		}
	}
}
