package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/eventstore/sqlite"
	"github.com/parcours/parcours/httpapi"
)

// testAuth knows two bearer tokens, and signals when a request marked
// X-Signal reaches the handlers (its headers are read: it is in flight).
type testAuth struct{ inFlight chan struct{} }

func (a testAuth) Authenticate(r *http.Request) (domain.Actor, bool, error) {
	if r.Header.Get("X-Signal") != "" {
		a.inFlight <- struct{}{}
	}
	switch r.Header.Get("Authorization") {
	case "Bearer operator":
		return domain.Actor{PersonID: "operator", Role: domain.RoleOperator}, true, nil
	case "Bearer zoe":
		return domain.Actor{PersonID: "p-zoe", Tenant: "s-ml", Role: domain.RoleBeneficiary}, true, nil
	}
	return domain.Actor{}, false, nil
}

// TestShutdownFinishesRequestsInFlight starts the service on a real data
// directory, begins a command whose body is still arriving, shuts down,
// and checks that the command completes, that no new connection is
// accepted meanwhile, that an open event feed is ended (not waited for),
// and that the acknowledged event is in the store once everything is
// closed.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	dir := t.TempDir()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	sc := addStoreFlags(fs)
	if err := fs.Parse([]string{"--data", dir}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	sys, err := openSystem(ctx, sc, true, log)
	if err != nil {
		t.Fatal(err)
	}
	auth := testAuth{inFlight: make(chan struct{}, 1)}
	api := httpapi.New(httpapi.Deps{Log: log, Commands: sys.h, Store: sys.store, Files: sys.vault.files, Keyring: sys.vault.ring, Auth: auth})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- serveHTTP(ctx, ln, api, log) }()

	post := func(path, token, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
		return resp
	}
	post("/v1/structures", "operator", `{"structure_id":"s-ml","name":"Mission Locale","seats":3}`)
	post("/v1/structures/s-ml/members", "operator", `{"person_id":"p-zoe","role":"beneficiary","name":"Zoé"}`)

	// An event feed is open: shutdown ends it instead of waiting for it.
	feedReq, _ := http.NewRequest("GET", base+"/v1/events", nil)
	feedReq.Header.Set("Authorization", "Bearer zoe")
	feed, err := http.DefaultClient.Do(feedReq)
	if err != nil || feed.StatusCode != http.StatusOK {
		t.Fatalf("feed: %v %v", err, feed)
	}
	feedDone := make(chan struct{})
	go func() { io.Copy(io.Discard, feed.Body); feed.Body.Close(); close(feedDone) }()

	// A command whose body arrives in two parts, the shutdown in between.
	body, send := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/v1/portfolios/p-zoe/experiences", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer zoe")
	req.Header.Set("X-Signal", "1")
	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
		if err != nil {
			t.Error(err)
			close(answered)
			return
		}
		answered <- resp
	}()
	send.Write([]byte(`{"experience_id":"x-late","kind":"professional",`))
	<-auth.inFlight
	stop() // shutdown begins: the listener closes
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		if i == 500 {
			t.Fatal("the listener still accepts connections during shutdown")
		}
		time.Sleep(10 * time.Millisecond)
	}
	send.Write([]byte(`"context":"formal","text":{"title":"Vendeuse"}}`))
	send.Close()
	resp, ok := <-answered
	if !ok {
		t.FailNow()
	}
	var res httpapi.CommandResult
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || res.ID != "x-late" {
		t.Fatalf("in-flight command: %d %+v", resp.StatusCode, res)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	<-feedDone
	if err := sys.close(); err != nil {
		t.Fatal(err)
	}

	// What was acknowledged is on disk.
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "events.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	events, err := store.ReadStream(context.Background(), res.Stream, eventstore.ReadOptions{From: res.Revision, Limit: 1})
	if err != nil || len(events) != 1 || events[0].Type != "ExperienceAdded" || events[0].Position.String() != res.Position {
		t.Fatalf("acknowledged event: %v %+v", err, events)
	}
}
