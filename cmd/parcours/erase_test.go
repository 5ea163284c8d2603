package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/internal/sqlitedriver"
	"github.com/parcours/parcours/personaldata"
)

var zoeSecrets = []string{"Zoé Kowalczyk-Ferrand", "zoe.kf@example.org", "Boulangerie du Vieux-Port", "BULLETIN-DE-SALAIRE-ZOE-7731"}

// Messages of Zoé's conversation with her counsellor: hers goes with her
// erasure, his stays his.
const (
	zoeMessage    = "MESSAGE-ZOE-5521 : j’ai décroché un entretien"
	karimMessage  = "MESSAGE-KARIM-8812 : bravo, préparons-le"
	convStructure = "s-conv"
)

// writeConversation enrols Zoé and her counsellor Karim in a structure
// and has them exchange a message each, through the command handler the
// service uses.
func writeConversation(t *testing.T, ctx context.Context, s eventstore.Store, v *vault) {
	t.Helper()
	h := commands.New(s, v.ring, commands.Options{})
	must := func(_ commands.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	must(h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: convStructure, Name: "Mission Locale", Seats: 5}))
	for _, p := range []struct {
		id   string
		role domain.Role
	}{{"p-admin", domain.RoleStructureAdmin}, {"p-cons", domain.RoleCounsellor}, {"p-zoe", domain.RoleBeneficiary}} {
		must(h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: convStructure, PersonID: p.id, Role: p.role, Name: "Personne " + p.id}))
	}
	as := func(id string, role domain.Role) commands.Call {
		return commands.Call{Actor: domain.Actor{PersonID: id, Tenant: convStructure, Role: role}}
	}
	must(h.AssignCounsellor(ctx, as("p-admin", domain.RoleStructureAdmin), commands.AssignCounsellor{PortfolioID: "p-zoe", CounsellorID: "p-cons"}))
	talk := commands.ConversationRef{PortfolioID: "p-zoe"}
	must(h.PostMessage(ctx, as("p-zoe", domain.RoleBeneficiary), commands.PostMessage{ConversationRef: talk, Text: zoeMessage}))
	must(h.PostMessage(ctx, as("p-cons", domain.RoleCounsellor), commands.PostMessage{ConversationRef: talk, Text: karimMessage}))
}

// writePerson appends sealed events and one file for subject through the
// same store and vault the service uses.
func writePerson(t *testing.T, ctx context.Context, s eventstore.Store, v *vault, subject string, personal []string) {
	t.Helper()
	stream := "portfolio-" + subject
	for i, text := range personal[:3] {
		id := eventstore.NewEventID()
		b := personaldata.Binding{Tenant: "structure-1", Stream: stream, EventID: id, Revision: uint64(i)}
		pj, _ := json.Marshal(map[string]string{"text": text})
		data, err := v.ring.SealData(ctx, b, subject, []byte(`{"experience_id":"e-1","kind":"professional"}`), pj)
		if err != nil {
			t.Fatal(err)
		}
		meta := []byte(`{"actor":"` + subject + `","role":"beneficiary","tenant":"structure-1"}`)
		exp := eventstore.Exactly(uint64(i - 1))
		if i == 0 {
			exp = eventstore.NoStream
		}
		if _, err := s.Append(ctx, stream, exp, eventstore.Proposed{ID: id, Type: "ExperienceAdded", SchemaVersion: 1, Data: data, Metadata: meta}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.files.Put(ctx, subject, strings.NewReader("%PDF-1.4 "+personal[3]), 1<<20); err != nil {
		t.Fatal(err)
	}
}

func wrappedKeys(t *testing.T, dir, subject string) [][]byte {
	t.Helper()
	db, err := sql.Open(sqlitedriver.Name, "file:"+filepath.Join(dir, "keys.db")+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var keys [][]byte
	rows, err := db.Query(`SELECT wrapped FROM person_keys WHERE subject = ? UNION ALL SELECT wrapped FROM file_keys WHERE subject = ?`, subject, subject)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k []byte
		rows.Scan(&k)
		keys = append(keys, k)
	}
	return keys
}

// findInDir returns the files under dir that contain needle.
func findInDir(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var found []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, needle) {
			found = append(found, p)
		}
		return nil
	})
	return found
}

// TestErasePersonFullPath: known personal strings go through the real path
// (sealed events in the store, an encrypted file), the person is erased
// with the admin command, and then nothing of theirs is left on disk: no
// plaintext, no wrapped key, no file; chains still verify; another
// person's data is intact.
func TestErasePersonFullPath(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if out, err := runCmd(t, "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	sc := &storeConfig{Data: dir, MaxEventSize: 1 << 20, SQLiteSync: "FULL"}
	s, err := openStore(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := openVault(ctx, sc, false)
	if err != nil {
		t.Fatal(err)
	}
	writePerson(t, ctx, s, v, "p-zoe", zoeSecrets)
	writePerson(t, ctx, s, v, "p-luc", []string{"Luc Arnaud-Bellamy", "luc@example.org", "Garage Central", "CONTRAT-LUC-4410"})
	writeConversation(t, ctx, s, v)
	s.Close()
	v.close()

	zoeKeys, lucKeys := wrappedKeys(t, dir, "p-zoe"), wrappedKeys(t, dir, "p-luc")
	if len(zoeKeys) != 2 || len(lucKeys) != 2 {
		t.Fatalf("want a person key and a file key each, got %d and %d", len(zoeKeys), len(lucKeys))
	}
	for _, k := range zoeKeys { // control: the search does find keys on disk
		if len(findInDir(t, dir, k)) == 0 {
			t.Fatal("search control: a stored wrapped key was not found on disk")
		}
	}
	for _, secret := range append(slices.Clone(zoeSecrets), zoeMessage, karimMessage) {
		if f := findInDir(t, dir, []byte(secret)); len(f) > 0 {
			t.Fatalf("%q stored in clear in %v", secret, f)
		}
	}
	// The portability export holds one's messages (Karim's here, before
	// Zoé is erased, and after).
	if cons := export(t, dir, "p-cons"); !strings.Contains(cons["events.json"], karimMessage) {
		t.Fatalf("Karim's export lacks his message:\n%s", cons["events.json"])
	}
	if zoe := export(t, dir, "p-zoe"); !strings.Contains(zoe["events.json"], zoeMessage) {
		t.Fatalf("Zoé's export lacks her message:\n%s", zoe["events.json"])
	}

	out, err := runCmd(t, "admin", "erase-person", "p-zoe", "--data", dir)
	if err != nil || !strings.Contains(out, "erased p-zoe: key destroyed, 1 files destroyed") {
		t.Fatalf("erase: %v\n%s", err, out)
	}
	for _, k := range zoeKeys {
		if f := findInDir(t, dir, k); len(f) > 0 {
			t.Fatalf("an erased wrapped key is still on disk in %v", f)
		}
	}
	for _, secret := range append(slices.Clone(zoeSecrets), zoeMessage) {
		if f := findInDir(t, dir, []byte(secret)); len(f) > 0 {
			t.Fatalf("%q found after erasure in %v", secret, f)
		}
	}
	for _, k := range lucKeys {
		if len(findInDir(t, dir, k)) == 0 {
			t.Fatal("another person's key was destroyed")
		}
	}
	if out, err := runCmd(t, "verify", "--all", "--data", dir); err != nil {
		t.Fatalf("chains after erasure: %v\n%s", err, out)
	}

	// Exports: Zoé's shows her data as erased; Luc's opens with his file.
	zoe := export(t, dir, "p-zoe")
	if !strings.Contains(zoe["events.json"], `"personal_erased": true`) || strings.Contains(zoe["events.json"], "Zoé") {
		t.Fatalf("export of an erased person:\n%s", zoe["events.json"])
	}
	if strings.Contains(zoe["events.json"], "MESSAGE-ZOE") {
		t.Fatalf("an erased person's message in her export:\n%s", zoe["events.json"])
	}
	if cons := export(t, dir, "p-cons"); !strings.Contains(cons["events.json"], karimMessage) {
		t.Fatalf("Karim's message went with Zoé's erasure:\n%s", cons["events.json"])
	}
	luc := export(t, dir, "p-luc")
	if !strings.Contains(luc["events.json"], "Luc Arnaud-Bellamy") || !strings.Contains(luc["LISEZMOI-README.txt"], "portabilité") {
		t.Fatalf("export of Luc:\n%s", luc["events.json"])
	}
	var fileFound bool
	for name, content := range luc {
		if strings.HasPrefix(name, "files/") && content == "%PDF-1.4 CONTRAT-LUC-4410" {
			fileFound = true
		}
	}
	if !fileFound {
		t.Fatalf("Luc's file is not in his export: %v", keys(luc))
	}
	// Erasing again is harmless.
	if out, err := runCmd(t, "admin", "erase-person", "p-zoe", "--data", dir); err != nil {
		t.Fatalf("erase again: %v\n%s", err, out)
	}
}

func export(t *testing.T, dir, subject string) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), subject+".zip")
	if out, err := runCmd(t, "admin", "export-person", subject, "--out", path, "--data", dir); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(b)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// serveIn runs `parcours serve` on dir, with the store flags storeArgs,
// until the test ends, and returns its base URL once it answers.
func serveIn(t *testing.T, dir string, storeArgs ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr, "--data", dir}, storeArgs...), io.Discard, io.Discard, slog.New(slog.DiscardHandler))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return base
		}
	}
	t.Fatal("serve did not answer")
	return ""
}

// TestEraseForgetsLogins: Zoé and Luc each have a password login, a
// session and an API token, on a running service (embedded, and on
// PostgreSQL). Zoé is erased through the API by her structure's admin,
// Luc with `admin erase-person` while the service runs. Afterwards their
// logins fail, their sessions and tokens get 401, their email is nowhere
// in the credential store (embedded: in no file of the data directory,
// credentials.db and its WAL included), and the admin and the app are
// untouched.
func TestEraseForgetsLogins(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		eraseForgetsLogins(t, nil, func(t *testing.T, dir, email string) []string { return findInDir(t, dir, []byte(email)) })
	})
	t.Run("postgres", func(t *testing.T) {
		store := postgresStore(t)
		eraseForgetsLogins(t, []string{"--store", store}, func(t *testing.T, dir, email string) []string {
			conn, err := pgx.Connect(context.Background(), store)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			var n int
			if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM credentials_users WHERE email = $1`, email).Scan(&n); err != nil {
				t.Fatal(err)
			}
			found := findInDir(t, dir, []byte(email))
			if n > 0 {
				found = append(found, "credentials_users")
			}
			return found
		})
	})
}

// eraseForgetsLogins runs TestEraseForgetsLogins with the store flags
// storeArgs; where lists the places an email is stored in.
func eraseForgetsLogins(t *testing.T, storeArgs []string, where func(t *testing.T, dir, email string) []string) {
	dir := t.TempDir()
	cmd := func(args ...string) (string, error) {
		t.Helper()
		return runCmd(t, append(append(args, "--data", dir), storeArgs...)...)
	}
	token := func(out string) string {
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "prc_") {
				return line
			}
		}
		t.Fatalf("no token printed:\n%s", out)
		return ""
	}
	t.Setenv("PARCOURS_PASSWORD", testPassword)
	if out, err := cmd("migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := cmd("admin", "create-structure", "--name", "Mission Locale", "--seats", "5", "--id", "s-ml"); err != nil {
		t.Fatalf("create-structure: %v\n%s", err, out)
	}
	if out, err := cmd("admin", "create-user", "--structure", "s-ml", "--email", "awa@example.org", "--role", "structure_admin", "--name", "Awa Diallo", "--person-id", "p-awa"); err != nil {
		t.Fatalf("create-user: %v\n%s", err, out)
	}
	out, err := cmd("admin", "create-token", "--structure", "s-ml", "--role", "counsellor", "--person-id", "p-crm", "--name", "CRM sync", "--enrol", "CRM app")
	if err != nil {
		t.Fatalf("create-token: %v\n%s", err, out)
	}
	appToken := token(out)
	people := map[string]struct{ email, name, token string }{
		"p-zoe": {email: "zoe.kowalczyk-ferrand@example.org", name: "Zoé Kowalczyk-Ferrand"},
		"p-luc": {email: "luc.arnaud-bellamy@example.org", name: "Luc Arnaud-Bellamy"},
	}
	for id, p := range people {
		if out, err := cmd("admin", "create-user", "--structure", "s-ml", "--email", p.email, "--role", "beneficiary", "--name", p.name, "--person-id", id); err != nil {
			t.Fatalf("create-user %s: %v\n%s", id, err, out)
		}
		out, err := cmd("admin", "create-token", "--structure", "s-ml", "--role", "beneficiary", "--person-id", id, "--name", "appli")
		if err != nil {
			t.Fatalf("create-token %s: %v\n%s", id, err, out)
		}
		p.token = token(out)
		people[id] = p
	}
	base := serveIn(t, dir, storeArgs...)
	login := func(email string) (*http.Cookie, int) {
		t.Helper()
		resp, err := http.Post(base+"/v1/session", "application/json", strings.NewReader(`{"email":"`+email+`","password":"`+testPassword+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cs := resp.Cookies(); len(cs) == 1 {
			return cs[0], resp.StatusCode
		}
		return nil, resp.StatusCode
	}
	send := func(method, path string, cookie *http.Cookie, token string) int {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
			req.Header.Set("Origin", base)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	sessions := map[string]*http.Cookie{}
	for id, p := range people {
		c, status := login(p.email)
		if status != 200 || send("GET", "/v1/me", c, "") != 200 || send("GET", "/v1/me", nil, p.token) != 200 {
			t.Fatalf("%s before erasure: login %d", id, status)
		}
		sessions[id] = c
		if len(where(t, dir, p.email)) == 0 {
			t.Fatalf("search control: %s's email is not found before erasure", id)
		}
	}
	admin, status := login("awa@example.org")
	if status != 200 {
		t.Fatalf("admin login: %d", status)
	}

	if s := send("DELETE", "/v1/people/p-zoe", admin, ""); s != 204 {
		t.Fatalf("erasure through the API: %d", s)
	}
	out, err = cmd("admin", "erase-person", "p-luc")
	if err != nil || !strings.Contains(out, "forgot p-luc's credentials: 1 logins and 1 sessions deleted, 1 API tokens revoked") {
		t.Fatalf("erase-person: %v\n%s", err, out)
	}

	for id, p := range people {
		if _, s := login(p.email); s != 401 {
			t.Errorf("%s's login after erasure: %d", id, s)
		}
		if s := send("GET", "/v1/me", sessions[id], ""); s != 401 {
			t.Errorf("%s's session after erasure: %d", id, s)
		}
		if s := send("GET", "/v1/me", nil, p.token); s != 401 {
			t.Errorf("%s's token after erasure: %d", id, s)
		}
		if f := where(t, dir, p.email); len(f) > 0 {
			t.Errorf("%s's email is still stored after erasure, in %v", id, f)
		}
		if f := findInDir(t, dir, []byte(p.name)); len(f) > 0 {
			t.Errorf("%s's name is on disk after erasure, in %v", id, f)
		}
	}
	if send("GET", "/v1/me", admin, "") != 200 || send("GET", "/v1/me", nil, appToken) != 200 {
		t.Fatal("the admin's session or the app's token stopped working")
	}
	// Again: nothing left to forget, no error.
	out, err = cmd("admin", "erase-person", "p-zoe")
	if err != nil || !strings.Contains(out, "forgot p-zoe's credentials: 0 logins and 0 sessions deleted, 0 API tokens revoked") {
		t.Fatalf("erase-person again: %v\n%s", err, out)
	}
	// No new login or token acts as an erased person.
	out, err = cmd("admin", "create-user", "--structure", "s-ml", "--email", "someone.else@example.org", "--role", "beneficiary", "--name", "Someone Else", "--person-id", "p-zoe")
	if err == nil || !strings.Contains(err.Error(), "person p-zoe was erased") {
		t.Fatalf("create-user for an erased person: %v\n%s", err, out)
	}
	out, err = cmd("admin", "create-token", "--structure", "s-ml", "--role", "beneficiary", "--person-id", "p-luc", "--name", "appli")
	if err == nil || !strings.Contains(err.Error(), "person p-luc was erased") {
		t.Fatalf("create-token for an erased person: %v\n%s", err, out)
	}
	// Nor through the API, for the structure's admin.
	req, _ := http.NewRequest("POST", base+"/v1/structures/s-ml/tokens", strings.NewReader(`{"name":"appli","person_id":"p-zoe","role":"beneficiary"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	req.AddCookie(admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 4 {
		t.Fatalf("an API token for an erased person: %d", resp.StatusCode)
	}
	if _, s := login("someone.else@example.org"); s != 401 {
		t.Fatalf("a login refused at creation works: %d", s)
	}
	// A person never erased still gets them.
	if out, err := cmd("admin", "create-token", "--structure", "s-ml", "--role", "counsellor", "--person-id", "p-crm", "--name", "CRM sync 2"); err != nil {
		t.Fatalf("create-token for a person never erased: %v\n%s", err, out)
	}
}
