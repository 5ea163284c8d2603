package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// TestProjectionLagAcrossKills is the operator's scenario of two
// `parcours serve` processes on one PostgreSQL: clients post varied
// commands through both, and every few seconds one process, chosen at
// random, is killed with SIGKILL and started again at once. After each
// restart the read models must be back within a second of the log's end
// within recoverBy; a lag that grows from cycle to cycle fails the test.
// PARCOURS_TEST_PG_KILLS sets the number of cycles (default 6; 0 skips
// the test), PARCOURS_TEST_PG_RATE the commands per second (default 50).
func TestProjectionLagAcrossKills(t *testing.T) { lagAcrossKills(t, 0) }

// TestProjectionWorkersAcrossKills is the scale-out shape: two API
// processes (serve --projections=false) and two `parcours project`
// workers on one PostgreSQL; the workers are the ones killed, and the
// survivor takes the read models over.
func TestProjectionWorkersAcrossKills(t *testing.T) { lagAcrossKills(t, 2) }

// lagAcrossKills runs the scenario with two serve processes and, if
// workers > 0, that many projection workers: then the serve processes
// do not project, and the workers are killed instead.
func lagAcrossKills(t *testing.T, workers int) {
	if testing.Short() {
		t.Skip("starts two service processes on PostgreSQL")
	}
	cycles := 6
	if v := os.Getenv("PARCOURS_TEST_PG_KILLS"); v == "0" {
		t.Skip("PARCOURS_TEST_PG_KILLS=0 (CI runs it alone, after the other tests)")
	} else if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PARCOURS_TEST_PG_KILLS=%q: want a number of cycles", v)
		}
		cycles = n
	}
	rate := 50 // commands per second, through both processes
	if v := os.Getenv("PARCOURS_TEST_PG_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PARCOURS_TEST_PG_RATE=%q: want commands per second", v)
		}
		rate = n
	}
	const (
		clients   = 16
		recoverBy = 5 * time.Second
	)
	store := postgresStore(t)
	dir := t.TempDir()
	tokens := seedLagScenario(t, dir, store)
	bin := buildParcours(t)

	procs := []*serveProc{{addr: freeAddr(t), name: "A"}, {addr: freeAddr(t), name: "B"}}
	master, err := os.ReadFile(filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	envOf := func() []string { // each process in a data directory of its own, sharing the master key
		return []string{"PARCOURS_DATA=" + t.TempDir(), "PARCOURS_STORE=" + store, "PARCOURS_MASTER_KEY=" + strings.TrimSpace(string(master))}
	}
	victims := procs
	if workers > 0 {
		victims = nil
		for i := 0; i < workers; i++ {
			w := &serveProc{name: fmt.Sprintf("worker-%d", i+1), args: []string{"project"}, env: envOf()}
			w.start(t, bin)
			defer w.kill()
			victims = append(victims, w)
		}
	}
	for _, p := range procs {
		p.env = append(envOf(), "PARCOURS_ADDR="+p.addr)
		if workers > 0 {
			p.env = append(p.env, "PARCOURS_PROJECTIONS=false")
		}
		p.start(t, bin)
		defer p.kill()
	}
	for _, p := range procs {
		p.waitReady(t, 60*time.Second)
	}
	if workers > 0 {
		for _, p := range procs {
			if owned := ownedProjections(p.addr); owned != 0 {
				t.Fatalf("serve --projections=false runs %d projections", owned)
			}
		}
	}

	ctx, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	load := newLagLoad(procs, tokens)
	var wg sync.WaitGroup
	jobs := make(chan int)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				load.post(ctx, i)
			}
		}()
	}
	go func() {
		defer close(jobs)
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	time.Sleep(2 * time.Second) // load before the first kill
	var took []time.Duration
	failed := 0
	for c := 0; c < cycles; c++ {
		victim := victims[mrand.IntN(len(victims))]
		victim.kill()
		// Restarted at once, or after a pause (a supervisor's restart
		// delay) in which the other process must take its leases over;
		// the lag is watched from the kill on.
		down := time.Duration(mrand.IntN(3)) * 1200 * time.Millisecond
		var peak, final float64
		var lastAbove time.Duration
		watched := make(chan struct{})
		go func() {
			defer close(watched)
			peak, lastAbove, final = watchLag(ctx, procs, 1, down+recoverBy)
		}()
		time.Sleep(down)
		victim.start(t, bin)
		<-watched
		lastAbove = max(0, lastAbove-down) // from the restart on
		took = append(took, lastAbove)
		if final >= 1 {
			failed++
			t.Errorf("cycle %d (killed %s): read models still %.1fs behind %v after the restart: %s", c+1, victim.name, final, recoverBy, load.lagReport(procs))
		}
		t.Logf("cycle %d: killed %s, down %v; lag peaked at %.2fs, under 1s from %v after the restart on", c+1, victim.name, down, peak, lastAbove.Round(time.Millisecond))
		if failed >= 3 {
			break
		}
		time.Sleep(time.Duration(mrand.IntN(1500)) * time.Millisecond)
	}
	stopLoad()
	wg.Wait()
	acked, lost := load.acked.Load(), load.failed.Load()
	t.Logf("%d commands acknowledged, %d given up; catch-up after each restart: %v", acked, lost, took)
	if acked < int64(rate) || lost > acked/100 {
		t.Fatalf("only %d commands acknowledged: the load did not run (%d given up)", acked, lost)
	}
	for _, p := range procs {
		p.waitReady(t, 30*time.Second)
	}
	if t.Failed() || testing.Verbose() {
		logged := procs
		if workers > 0 {
			logged = append(append([]*serveProc{}, procs...), victims...)
		}
		for _, p := range logged {
			t.Logf("log of %s (last lines):\n%s", p.name, p.tail())
		}
	}
}

// seedLagScenario migrates the store and registers a structure with a
// counsellor and 50 beneficiaries; it returns API tokens: the
// counsellor's first, then each beneficiary's.
func seedLagScenario(t *testing.T, dir, store string) []string {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	sc := addStoreFlags(fs)
	if err := fs.Parse([]string{"--data", dir, "--store", store}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sys, err := openSystem(ctx, sc, true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer sys.close()
	done := make(chan error, 1)
	go func() { done <- sys.runner.Run(ctx) }()
	defer func() { cancel(); <-done }()
	token, _, err := benchSeed(ctx, sys, "")
	if err != nil {
		t.Fatal(err)
	}
	op := domain.Actor{PersonID: "operator", Role: domain.RoleOperator}
	tokens := []string{token}
	for i := 0; i < benchPortfolios; i++ {
		pid := fmt.Sprintf("p-%02d", i)
		owner := commands.Call{Actor: domain.Actor{PersonID: pid, Tenant: "s-bench", Role: domain.RoleBeneficiary}}
		if _, err := sys.h.AddExperience(ctx, owner, commands.AddExperience{PortfolioID: pid, ExperienceID: "x-base", ExperienceInput: benchExperience(i)}); err != nil {
			t.Fatal(err)
		}
		_, tok, err := sys.creds.CreateToken(ctx, op, credentials.NewToken{Tenant: "s-bench", Name: "lag test",
			PersonID: fmt.Sprintf("p-%02d", i), Role: domain.RoleBeneficiary})
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	return tokens
}

func TestMain(m *testing.M) {
	code := m.Run()
	if parcoursBinary.path != "" {
		os.RemoveAll(filepath.Dir(parcoursBinary.path))
	}
	os.Exit(code)
}

var parcoursBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// buildParcours builds the binary once for the package's tests
// (PARCOURS_TEST_BINARY names another build to run instead, e.g. an older
// one to compare with).
func buildParcours(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PARCOURS_TEST_BINARY"); bin != "" {
		return bin
	}
	b := &parcoursBinary
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "parcours-bin-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "parcours")
		b.out, b.err = exec.Command("go", "build", "-o", b.path, ".").CombinedOutput()
	})
	if b.err != nil {
		t.Fatalf("build: %v\n%s", b.err, b.out)
	}
	return b.path
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveProc is one `parcours serve` process, restarted on the same
// address.
type serveProc struct {
	name, addr string
	args       []string // serve by default
	env        []string
	mu         sync.Mutex
	cmd        *exec.Cmd
	log        *os.File
}

func (p *serveProc) start(t *testing.T, bin string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log == nil {
		f, err := os.Create(filepath.Join(t.TempDir(), "serve-"+p.name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		p.log = f
		t.Cleanup(func() { f.Close() })
	}
	args := p.args
	if len(args) == 0 {
		args = []string{"serve"}
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.cmd = cmd
}

// kill ends the process with SIGKILL and waits for it.
func (p *serveProc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	p.cmd = nil
}

func (p *serveProc) waitReady(t *testing.T, within time.Duration) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + p.addr + "/readyz")
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			return
		}
		last = resp.Status + " " + string(body)
	}
	t.Fatalf("process %s not ready within %v: %s\n%s", p.name, within, last, p.tail())
}

func (p *serveProc) tail() string {
	if p.log == nil {
		return ""
	}
	b, _ := os.ReadFile(p.log.Name())
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.Contains(l, "msg=http ") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-30):], "\n")
}

// watchLag samples the worst read-model lag the processes report, every
// 100ms for window; it returns the peak and how long after the start the
// lag was last at or above limit (0 if never).
func watchLag(ctx context.Context, procs []*serveProc, limit float64, window time.Duration) (peak float64, lastAbove time.Duration, final float64) {
	start := time.Now()
	for time.Since(start) < window && ctx.Err() == nil {
		for _, p := range procs {
			if worst, ok := projectionLag(p.addr); ok {
				peak, final = max(peak, worst), worst
				if worst >= limit {
					lastAbove = time.Since(start)
				}
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return peak, lastAbove, final
}

// projectionLag reads the worst parcours_projection_lag_seconds from a
// process's /metrics.
func projectionLag(addr string) (float64, bool) {
	lags, ok := projectionLags(addr)
	worst := 0.0
	for _, v := range lags {
		worst = max(worst, v)
	}
	return worst, ok && len(lags) > 0
}

func projectionLags(addr string) (map[string]float64, bool) {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, false
	}
	lags := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		rest, found := strings.CutPrefix(line, `parcours_projection_lag_seconds{projection="`)
		if !found {
			continue
		}
		name, value, _ := strings.Cut(rest, `"} `)
		v, err := strconv.ParseFloat(value, 64)
		if err == nil {
			lags[name] = v
		}
	}
	return lags, sc.Err() == nil
}

// ownedProjections counts the projections a process says it runs
// (parcours_projection_owned), -1 if it does not answer.
func ownedProjections(addr string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	n := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "parcours_projection_owned{") && strings.HasSuffix(sc.Text(), " 1") {
			n++
		}
	}
	return n
}

// lagLoad posts commands through whichever process answers, retrying
// with the same Idempotency-Key until one acknowledges.
type lagLoad struct {
	procs    []*serveProc
	tokens   []string
	client   *http.Client
	acked    atomic.Int64
	failed   atomic.Int64
	refusals atomic.Int64
}

func newLagLoad(procs []*serveProc, tokens []string) *lagLoad {
	return &lagLoad{procs: procs, tokens: tokens,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
}

func (l *lagLoad) post(ctx context.Context, i int) {
	portfolio := i % benchPortfolios
	path, token, body := l.command(i, portfolio)
	key := make([]byte, 12)
	rand.Read(key)
	last := ""
	for attempt := 0; ctx.Err() == nil && attempt < 60; attempt++ {
		p := l.procs[(i+attempt)%len(l.procs)]
		req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+p.addr+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", hex.EncodeToString(key))
		resp, err := l.client.Do(req)
		if err != nil {
			last = err.Error()
		} else {
			last = resp.Status
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 300 {
				l.acked.Add(1)
				return
			}
			if resp.StatusCode < 500 {
				l.failed.Add(1) // a refusal: retrying changes nothing
				l.refusals.Add(1)
				if l.refusals.Load() <= 3 {
					fmt.Fprintf(os.Stderr, "refused: POST %s: %s\n", path, resp.Status)
				}
				return
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if ctx.Err() == nil {
		l.failed.Add(1)
		fmt.Fprintf(os.Stderr, "given up: POST %s: %s\n", path, last)
	}
}

// command is the i-th command of the mix: the beneficiaries record
// experiences, attach evidence texts and write in their logbooks (all
// of which wait for their counsellor); the counsellor comments and
// writes in the logbooks.
func (l *lagLoad) command(i, portfolio int) (string, string, []byte) {
	base := fmt.Sprintf("/v1/portfolios/p-%02d", portfolio)
	owner, counsellor := l.tokens[1+portfolio], l.tokens[0]
	var body any
	path, token := base+"/journal", owner
	switch i % 8 {
	case 0:
		body, token = map[string]string{"text": fmt.Sprintf("Entretien de suivi n° %d", i)}, counsellor
	case 1, 2:
		body, path = benchExperience(i), base+"/experiences"
	case 3, 4:
		body, path = commands.AttachEvidence{Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-base"},
			EvidenceInput: domain.EvidenceInput{Kind: domain.EvidenceOfText, Text: domain.EvidenceText{Title: fmt.Sprintf("Bilan n° %d", i),
				Text: "J'ai accueilli les clients, tenu la caisse et préparé les commandes du matin."}}}, base+"/evidence"
	case 5:
		body, path, token = commands.AddComment{Target: domain.ItemRef{Kind: domain.ItemExperience, ID: "x-base"},
			Text: domain.CommentText{Text: "Très bien : précisez les tâches que vous avez menées seule."}}, base+"/comments", counsellor
	default:
		body = map[string]string{"text": fmt.Sprintf("J'ai relancé l'entreprise (%d)", i)}
	}
	b, _ := json.Marshal(body)
	return path, token, b
}

func (l *lagLoad) lagReport(procs []*serveProc) string {
	for _, p := range procs {
		if lags, ok := projectionLags(p.addr); ok {
			return fmt.Sprintf("lags seen by %s: %v", p.name, lags)
		}
	}
	return "no process answered /metrics"
}
