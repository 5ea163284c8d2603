package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/httpapi"
)

// benchHTTP starts the service on a loopback port and drives it with a
// bounded load in the same run: (a) a read-model GET (the recruiter page)
// against a constant answer on the same router; (b) command POSTs at a
// fixed rate, for their latency.
func benchHTTP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench http", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	backend := fs.String("backend", "sqlite", "sqlite or postgres (address from PARCOURS_STORE)")
	dur := fs.Duration("duration", 5*time.Second, "time measured per phase")
	rate := fs.Int("rate", 500, "command POSTs per second in the latency case")
	clients := fs.Int("clients", 8, "concurrent clients in the read case")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the read phase to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sys, base, stopService, err := startBenchService(ctx, "http", *backend)
	if err != nil {
		return err
	}
	defer stopService()
	token, pageToken, err := benchSeed(ctx, sys, base)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
	}
	read, err := closedLoop(ctx, base+"/v1/pages/"+pageToken, *clients, *dur)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	constant, err := closedLoop(ctx, base+"/bench-constant", *clients, *dur)
	if err != nil {
		return err
	}
	printBench(stdout, *asJSON, benchLine{Bench: "http", Case: "read", Backend: *backend, Value: round1(read), Unit: "requests/s",
		Baseline: round1(constant), Ratio: float64(int(read/constant*1000)) / 1000, Writers: *clients, Seconds: round1(2 * dur.Seconds()),
		Machine: machine(), Durability: "GET /v1/pages/{token} vs a constant handler on the same router"})
	lat, errs, err := openLoop(ctx, base, token, *rate, *dur)
	if err != nil {
		return err
	}
	slices.Sort(lat)
	printBench(stdout, *asJSON, benchLine{Bench: "http", Case: fmt.Sprintf("commands-%d-per-s", *rate), Backend: *backend,
		Value: ms(quantile(lat, 0.99)), Unit: "ms p99", P50ms: ms(quantile(lat, 0.5)), P99ms: ms(quantile(lat, 0.99)), MaxMs: ms(quantile(lat, 1)),
		Appends: int64(len(lat)), Seconds: round1(dur.Seconds()), Machine: machine(),
		Durability: fmt.Sprintf("durable appends; %d errors; POST logbook entries spread over %d portfolios", errs, benchPortfolios)})
	return nil
}

// benchPortfolios is how many portfolios the command load spreads over.
const benchPortfolios = 50

// startBenchService opens a benchmark's system (openBenchSystem), runs
// its projections and serves its API on a loopback port; stop ends it all.
func startBenchService(ctx context.Context, name, backend string) (*system, string, func(), error) {
	sys, closeSys, err := openBenchSystem(ctx, name, backend)
	if err != nil {
		return nil, "", nil, err
	}
	stopRunner := runInBackground(ctx, sys)
	base, closeSrv, err := benchServer(sys, slog.New(slog.DiscardHandler))
	if err != nil {
		stopRunner()
		closeSys()
		return nil, "", nil, err
	}
	return sys, base, func() { closeSrv(); stopRunner(); closeSys() }, nil
}

// benchServer serves the API with a constant handler beside it.
func benchServer(sys *system, log *slog.Logger) (string, func(), error) {
	api := httpapi.New(httpapi.Deps{Log: log, Commands: sys.h, Queries: sys.queries, Waiter: sys.runner, Files: sys.vault.files,
		Auth: httpapi.CredentialsAuth(sys.creds, log), Creds: sys.creds, Keyring: sys.vault.ring, Store: sys.store,
		Extra: map[string]http.Handler{"/bench-constant": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"constant":true}`))
		})}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// benchSeed registers a structure, 50 beneficiaries and an app token, and
// publishes one page; it returns the app token and the page's token.
func benchSeed(ctx context.Context, sys *system, base string) (string, string, error) {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := sys.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: "s-bench", Name: "Bench", Seats: 100}); err != nil {
		return "", "", err
	}
	for _, p := range []struct {
		id   string
		role domain.Role
	}{{"c-1", domain.RoleCounsellor}, {"a-1", domain.RoleStructureAdmin}} {
		if _, err := sys.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: p.id, Role: p.role, Name: "Équipe"}); err != nil {
			return "", "", err
		}
	}
	admin := commands.Call{Actor: domain.Actor{PersonID: "a-1", Tenant: "s-bench", Role: domain.RoleStructureAdmin}}
	for i := 0; i < benchPortfolios; i++ {
		id := fmt.Sprintf("p-%02d", i)
		if _, err := sys.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: id, Role: domain.RoleBeneficiary, Name: "Bénéficiaire"}); err != nil {
			return "", "", err
		}
		if _, err := sys.h.AssignCounsellor(ctx, admin, commands.AssignCounsellor{PortfolioID: id, CounsellorID: "c-1"}); err != nil {
			return "", "", err
		}
	}
	zoe := commands.Call{Actor: domain.Actor{PersonID: "p-00", Tenant: "s-bench", Role: domain.RoleBeneficiary}}
	if _, err := sys.h.AddExperience(ctx, zoe, commands.AddExperience{PortfolioID: "p-00", ExperienceID: "x-1", ExperienceInput: benchExperience(1)}); err != nil {
		return "", "", err
	}
	if _, err := sys.h.CreatePage(ctx, zoe, commands.CreatePage{PortfolioID: "p-00", PageID: "pg-1", PageInput: domain.PageInput{
		Items: []domain.ItemRef{{Kind: domain.ItemExperience, ID: "x-1"}}, Text: domain.PageText{Title: "Ma page"}}}); err != nil {
		return "", "", err
	}
	pub, err := sys.h.PublishPage(ctx, zoe, commands.PublishPage{PortfolioID: "p-00", PageID: "pg-1"})
	if err != nil {
		return "", "", err
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := sys.runner.WaitFor(wctx, pub.Position); err != nil {
		return "", "", err
	}
	// The load posts logbook entries as the counsellor of all the
	// beneficiaries, through an API token (an app acting for them).
	_, token, err := sys.creds.CreateToken(ctx, op.Actor, credentials.NewToken{Tenant: "s-bench", Name: "bench", PersonID: "c-1", Role: domain.RoleCounsellor})
	return token, pub.Secret, err
}

// closedLoop has clients request url back to back for d; it returns the
// requests per second.
func closedLoop(ctx context.Context, url string, clients int, d time.Duration) (float64, error) {
	var n atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				resp, err := client.Get(url)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("GET %s: %s", url, resp.Status))
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

// openLoop posts a logbook entry every 1/rate second for d, whatever the
// answers' pace, and returns each request's latency.
func openLoop(ctx context.Context, base, token string, rate int, d time.Duration) ([]time.Duration, int, error) {
	return openLoopOf(ctx, token, rate, d, func(i int) (string, []byte) {
		body, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("Point d'étape %d", i)})
		return fmt.Sprintf("%s/v1/portfolios/p-%02d/journal", base, i%benchPortfolios), body
	})
}

// openLoopOf sends the i-th POST that next makes every 1/rate second for
// d, whatever the answers' pace, and returns each request's latency.
func openLoopOf(ctx context.Context, token string, rate int, d time.Duration, next func(i int) (url string, body []byte)) ([]time.Duration, int, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	end := time.Now().Add(d)
	for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			url, body := next(i)
			req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			t0 := time.Now()
			resp, err := client.Do(req)
			took := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 300 {
				errs++
				return
			}
			lat = append(lat, took)
		}()
	}
	wg.Wait()
	if len(lat) == 0 {
		return nil, errs, fmt.Errorf("bench: every command failed (%d errors)", errs)
	}
	return lat, errs, nil
}
