package credentials_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

var (
	admin    = domain.Actor{PersonID: "p-admin", Tenant: "s-ml", Role: domain.RoleStructureAdmin}
	operator = domain.Actor{PersonID: "operator", Role: domain.RoleOperator}
)

func testTokens(t *testing.T, f *fixture) {
	ctx := context.Background()
	nt := credentials.NewToken{Tenant: "s-ml", Name: "CRM sync", PersonID: "p-app", Role: domain.RoleCounsellor}
	for _, tc := range []struct {
		by   domain.Actor
		want error
	}{
		{domain.Actor{PersonID: "p-admin", Tenant: "s-other", Role: domain.RoleStructureAdmin}, domain.ErrNotFound},
		{domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}, domain.ErrForbidden},
		{domain.Actor{PersonID: "p-gone", Tenant: "s-ml", Role: domain.RoleStructureAdmin}, domain.ErrForbidden},
	} {
		if _, _, err := f.svc.CreateToken(ctx, tc.by, nt); !errors.Is(err, tc.want) {
			t.Errorf("create by %+v: %v, want %v", tc.by, err, tc.want)
		}
		if _, err := f.svc.Tokens(ctx, tc.by, "s-ml"); !errors.Is(err, tc.want) {
			t.Errorf("list by %+v: %v, want %v", tc.by, err, tc.want)
		}
		if err := f.svc.RevokeToken(ctx, tc.by, "s-ml", "tok-x"); !errors.Is(err, tc.want) {
			t.Errorf("revoke by %+v: %v, want %v", tc.by, err, tc.want)
		}
	}
	for field, edit := range map[string]func(*credentials.NewToken){
		"name":      func(n *credentials.NewToken) { n.Name = " " },
		"role":      func(n *credentials.NewToken) { n.Role = "app" },
		"person_id": func(n *credentials.NewToken) { n.Role = domain.RoleTutor },
	} {
		bad := nt
		edit(&bad)
		var de *domain.Error
		if _, _, err := f.svc.CreateToken(ctx, admin, bad); !errors.As(err, &de) || de.Kind != domain.KindInvalid || de.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	tok, secret, err := f.svc.CreateToken(ctx, admin, nt)
	if err != nil || !strings.HasPrefix(secret, "prc_") || len(secret) != 47 || tok.CreatedBy != "p-admin" {
		t.Fatalf("create: %+v %q %v", tok, secret, err)
	}
	if strings.Contains(string(tok.Hash), secret) {
		t.Fatal("the secret is stored")
	}
	f.clock.add(time.Second)
	if _, _, err := f.svc.CreateToken(ctx, operator, nt); err != nil {
		t.Fatalf("the operator creates tokens for any structure: %v", err)
	}
	bearer := func(h string) (domain.Actor, bool, error) {
		r := httptest.NewRequest("POST", "/v1/anything", nil)
		r.Header.Set("Authorization", h)
		r.Header.Set("Origin", "https://evil.example") // bearer requests are not cross-site checked
		return f.svc.Authenticate(r)
	}
	if a, ok, err := bearer("Bearer " + secret); err != nil || !ok || a != (domain.Actor{PersonID: "p-app", Tenant: "s-ml", Role: domain.RoleCounsellor}) {
		t.Fatalf("authenticate: %+v %v %v", a, ok, err)
	}
	lastUsed := func() time.Time {
		got, err := f.store.TokenByHash(ctx, tok.Hash)
		if err != nil {
			t.Fatal(err)
		}
		return got.LastUsedAt
	}
	first := lastUsed()
	if !first.Equal(f.clock.now()) {
		t.Fatalf("last used %v, want %v", first, f.clock.now())
	}
	f.clock.add(59 * time.Second)
	bearer("Bearer " + secret)
	if !lastUsed().Equal(first) {
		t.Fatal("last used written again within a minute")
	}
	f.clock.add(time.Second)
	bearer("bearer " + secret)
	if !lastUsed().Equal(f.clock.now()) {
		t.Fatal("last used not written after a minute")
	}
	list, err := f.svc.Tokens(ctx, admin, "s-ml")
	if err != nil || len(list) != 2 || list[0].ID != tok.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := f.svc.RevokeToken(ctx, admin, "s-ml", "tok-none"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("revoke an unknown token: %v", err)
	}
	for range 2 {
		if err := f.svc.RevokeToken(ctx, admin, "s-ml", tok.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"Bearer " + secret, "Bearer prc_short", "Basic dXNlcjpwdw==", "Bearer " + secret[4:]} {
		if _, ok, err := bearer(h); ok || !errors.Is(err, credentials.ErrUnauthenticated) {
			t.Errorf("%q: %v %v", h, ok, err)
		}
	}
	if _, ok, err := f.svc.Authenticate(httptest.NewRequest("GET", "/", nil)); ok || err != nil {
		t.Fatalf("no credential: %v %v", ok, err)
	}
}
