package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
)

const testPassword = "correct horse battery"

// bootstrap sets up structure s-ml with an admin (p-awa, with a login) and
// an app person with a token, through the admin commands only.
func bootstrap(t *testing.T, dir string) (token string) {
	t.Helper()
	t.Setenv("PARCOURS_PASSWORD", testPassword)
	out, err := runCmd(t, "admin", "create-structure", "--data", dir, "--name", "Mission Locale", "--seats", "5", "--id", "s-ml")
	if err != nil || !strings.Contains(out, "structure s-ml registered with 5 seats") {
		t.Fatalf("create-structure: %v\n%s", err, out)
	}
	out, err = runCmd(t, "admin", "create-user", "--data", dir, "--structure", "s-ml", "--email", "Awa@Example.org",
		"--role", "structure_admin", "--name", "Awa Diallo", "--person-id", "p-awa")
	if err != nil || !strings.Contains(out, "person p-awa is structure_admin of structure s-ml and logs in as awa@example.org") {
		t.Fatalf("create-user: %v\n%s", err, out)
	}
	if strings.Contains(out, testPassword) {
		t.Fatal("create-user printed the password")
	}
	out, err = runCmd(t, "admin", "create-token", "--data", dir, "--structure", "s-ml", "--role", "counsellor",
		"--person-id", "p-crm", "--name", "CRM sync", "--enrol", "CRM app")
	if err != nil {
		t.Fatalf("create-token: %v\n%s", err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "prc_") {
			token = line
		}
	}
	if len(token) != 47 {
		t.Fatalf("no token printed:\n%s", out)
	}
	return token
}

func TestAdminBootstrap(t *testing.T) {
	dir := t.TempDir()
	token := bootstrap(t, dir)
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"create-user", "--structure", "s-ml", "--email", "awa@example.org", "--role", "structure_admin", "--person-id", "p-awa"}, 1, "exists already"},
		{[]string{"create-user", "--structure", "s-ml", "--email", "x@example.org", "--role", "king", "--name", "X"}, 2, "--role"},
		{[]string{"create-user", "--structure", "s-ml", "--role", "tutor", "--name", "X"}, 2, "--email is required"},
		{[]string{"create-token", "--structure", "s-ml", "--role", "tutor", "--person-id", "p-nobody", "--name", "x"}, 1, "enrol the app person first"},
		{[]string{"create-structure", "--name", "X", "--seats", "0"}, 2, "--seats"},
		{[]string{"create-structure", "--name", "Again", "--seats", "3", "--id", "s-ml"}, 1, "already registered"},
	} {
		out, err := runCmd(t, append(append([]string{"admin"}, tc.args...), "--data", dir)...)
		if exitCode(err) != tc.code || !strings.Contains(out+errString(err), tc.want) {
			t.Errorf("%v: exit %d (%v), want %d and %q\n%s", tc.args, exitCode(err), err, tc.code, tc.want, out)
		}
	}
	t.Setenv("PARCOURS_PASSWORD", "")
	if _, err := runCmd(t, "admin", "create-user", "--data", dir, "--structure", "s-ml", "--email", "z@example.org", "--role", "beneficiary", "--name", "Zoé"); exitCode(err) != 2 || !strings.Contains(err.Error(), "PARCOURS_PASSWORD") {
		t.Fatalf("no password and no terminal: %v", err)
	}
	// What was made works: the login, as the enrolled admin; the token, as
	// the app person.
	sys, err := openSystem(ctx, &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}, false, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	res, err := sys.creds.Login(ctx, "awa@example.org", testPassword, "127.0.0.1")
	if err != nil || res.Actor != (domain.Actor{PersonID: "p-awa", Tenant: "s-ml", Role: domain.RoleStructureAdmin}) {
		t.Fatalf("login: %+v %v", res.Actor, err)
	}
	r := httptest.NewRequest("GET", "/v1/me", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	if a, ok, err := sys.creds.Authenticate(r); !ok || err != nil || a != (domain.Actor{PersonID: "p-crm", Tenant: "s-ml", Role: domain.RoleCounsellor}) {
		t.Fatalf("token: %+v %v %v", a, ok, err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestServeLogin: serve wires the credentials: a bootstrapped admin logs
// in over HTTP and the cookie authenticates.
func TestServeLogin(t *testing.T) {
	dir := t.TempDir()
	bootstrap(t, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", dir}, io.Discard, io.Discard, slog.New(slog.DiscardHandler))
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + addr
	var resp *http.Response
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err = http.Post(base+"/v1/session", "application/json", strings.NewReader(`{"email":"awa@example.org","password":"`+testPassword+`"}`)); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("serve did not answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 {
		t.Fatalf("login: %s %v", resp.Status, resp.Header)
	}
	req, _ := http.NewRequest("GET", base+"/v1/me", nil)
	req.AddCookie(resp.Cookies()[0])
	me, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer me.Body.Close()
	var who map[string]string
	if err := json.NewDecoder(me.Body).Decode(&who); err != nil || who["person_id"] != "p-awa" || who["structure_id"] != "s-ml" {
		t.Fatalf("me: %s %v %v", me.Status, who, err)
	}
}
