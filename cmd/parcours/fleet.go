package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// A fleet is several parcours processes on one PostgreSQL, driven from
// another process: what the scale-out benchmark and the kill tests run.

// fleetProc is one parcours process (serve by default), started again on
// the same address and with the same environment after a kill.
type fleetProc struct {
	name, addr string
	args       []string // default: serve
	env        []string
	mu         sync.Mutex
	cmd        *exec.Cmd
	log        *os.File
}

// start starts the process, its output appended to a log in logDir.
func (p *fleetProc) start(bin, logDir string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log == nil {
		f, err := os.Create(filepath.Join(logDir, p.name+".log"))
		if err != nil {
			return err
		}
		p.log = f
	}
	args := p.args
	if len(args) == 0 {
		args = []string{"serve"}
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cmd = cmd
	return nil
}

// signal ends the process with sig (SIGKILL, SIGTERM) and waits for it.
func (p *fleetProc) signal(sig syscall.Signal) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Signal(sig)
	p.cmd.Wait()
	p.cmd = nil
}

func (p *fleetProc) kill() { p.signal(syscall.SIGKILL) }

// close stops the process and closes its log.
func (p *fleetProc) close() {
	p.signal(syscall.SIGKILL)
	if p.log != nil {
		p.log.Close()
	}
}

// waitReady waits until the process's /readyz answers 200.
func (p *fleetProc) waitReady(within time.Duration) error {
	last := "no answer"
	client := http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := client.Get("http://" + p.addr + "/readyz")
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			return nil
		}
		last = resp.Status + " " + string(body)
	}
	return fmt.Errorf("process %s not ready within %v: %s\n%s", p.name, within, last, p.tail())
}

// tail is the end of the process's log, without the access log.
func (p *fleetProc) tail() string {
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

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// processMetrics reads the samples of a process's /metrics whose name
// starts with prefix, by their projection label.
func processMetrics(addr, prefix string) (map[string]float64, bool) {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, false
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		rest, found := strings.CutPrefix(sc.Text(), prefix+`{projection="`)
		if !found {
			continue
		}
		name, value, _ := strings.Cut(rest, `"} `)
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	return out, sc.Err() == nil
}

// worstLag is the lag of the read model furthest behind, as a process
// reports it.
func worstLag(addr string) (float64, bool) {
	lags, ok := processMetrics(addr, "parcours_projection_lag_seconds")
	worst := 0.0
	for _, v := range lags {
		worst = max(worst, v)
	}
	return worst, ok && len(lags) > 0
}

// seedFleet migrates the store at url and registers a structure with a
// counsellor and 50 beneficiaries, each with an experience; it returns
// API tokens: the counsellor's first, then each beneficiary's.
func seedFleet(ctx context.Context, dir, url string) ([]string, error) {
	sc := benchStoreConfig(dir, url)
	sys, err := openSystem(ctx, sc, true, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	defer sys.close()
	defer runInBackground(ctx, sys)()
	token, _, err := benchSeed(ctx, sys, "")
	if err != nil {
		return nil, err
	}
	op := domain.Actor{PersonID: "operator", Role: domain.RoleOperator}
	tokens := []string{token}
	for i := 0; i < benchPortfolios; i++ {
		pid := fmt.Sprintf("p-%02d", i)
		owner := commands.Call{Actor: domain.Actor{PersonID: pid, Tenant: "s-bench", Role: domain.RoleBeneficiary}}
		if _, err := sys.h.AddExperience(ctx, owner, commands.AddExperience{PortfolioID: pid, ExperienceID: "x-base", ExperienceInput: benchExperience(i)}); err != nil {
			return nil, err
		}
		_, tok, err := sys.creds.CreateToken(ctx, op, credentials.NewToken{Tenant: "s-bench", Name: "load", PersonID: pid, Role: domain.RoleBeneficiary})
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
	return tokens, nil
}

// httpLoad posts the command mix through the API processes at addrs,
// each command to the next process in turn, retrying on another (same
// Idempotency-Key) while none acknowledges; it records the time each
// acknowledged command took, retries included.
type httpLoad struct {
	addrs    []string
	tokens   []string
	client   *http.Client
	acked    atomic.Int64
	failed   atomic.Int64
	mu       sync.Mutex
	lat      []time.Duration
	firstBad atomic.Value // the first refusal or give-up, for the report
}

func newHTTPLoad(addrs, tokens []string) *httpLoad {
	return &httpLoad{addrs: addrs, tokens: tokens,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// run posts a command every 1/rate second with a pool of clients until
// ctx ends.
func (l *httpLoad) run(ctx context.Context, rate, clients int) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				l.post(ctx, i)
			}
		}()
	}
	defer wg.Wait()
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
}

func (l *httpLoad) post(ctx context.Context, i int) {
	path, token, body := l.command(i, i%benchPortfolios)
	key := make([]byte, 12)
	rand.Read(key)
	start, last := time.Now(), ""
	for attempt := 0; ctx.Err() == nil && attempt < 60; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+l.addrs[(i+attempt)%len(l.addrs)]+path, bytes.NewReader(body))
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
				l.mu.Lock()
				l.lat = append(l.lat, time.Since(start))
				l.mu.Unlock()
				return
			}
			if resp.StatusCode < 500 {
				break // a refusal: retrying changes nothing
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if ctx.Err() == nil {
		l.failed.Add(1)
		l.firstBad.CompareAndSwap(nil, "POST "+path+": "+last)
	}
}

// latencies returns the recorded latencies, sorted.
func (l *httpLoad) latencies() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := append([]time.Duration(nil), l.lat...)
	slices.Sort(out)
	return out
}

// command is the i-th command of the mix: the beneficiaries record
// experiences, attach evidence texts and write in their logbooks (all of
// which wait for their counsellor); the counsellor comments and writes in
// the logbooks.
func (l *httpLoad) command(i, portfolio int) (string, string, []byte) {
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
