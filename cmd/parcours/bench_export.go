package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
)

// benchExport measures the exports through the API on a real server, on
// portfolios of growing history built through the commands, in one run:
// GET /v1/portfolios/{id}/export (JSON Resume of the whole portfolio) and
// GET …/cvs/{cv}/export?format=pdf (a PDF CV). The baseline of each
// ratio is the same request on the smallest portfolio, so the ratio
// shows how the cost grows with history.
func benchExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per result")
	sizesFlag := fs.String("events", "10,1000,10000", "events in each portfolio, comma-separated, smallest first")
	n := fs.Int("requests", 100, "requests measured per case")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var sizes []int
	for _, f := range strings.Split(*sizesFlag, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 10 {
			return usageError("bench export: --events wants sizes of at least 10, comma-separated")
		}
		sizes = append(sizes, v)
	}
	sys, base, stopService, err := startBenchService(ctx, "export", "sqlite")
	if err != nil {
		return err
	}
	defer stopService()
	tokens, shapes, err := exportSeed(ctx, sys, sizes)
	if err != nil {
		return err
	}
	for _, c := range []struct{ name, path string }{{"jsonresume", "/export"}, {"pdf-cv", "/cvs/cv-1/export?format=pdf"}} {
		var baseline float64
		for i, size := range sizes {
			id := exportPortfolio(size)
			lat, err := timeGets(ctx, base+"/v1/portfolios/"+id+c.path, tokens[id], *n)
			if err != nil {
				return err
			}
			p50 := ms(quantile(lat, 0.5))
			if i == 0 {
				baseline = p50
			}
			printBench(stdout, *asJSON, benchLine{Bench: "export", Case: fmt.Sprintf("%s-%d-events", c.name, size), Backend: "sqlite",
				Value: p50, Unit: "ms p50", Baseline: baseline, Ratio: float64(int(p50/max(baseline, 0.001)*1000)) / 1000,
				P50ms: p50, P99ms: ms(quantile(lat, 0.99)), MaxMs: ms(quantile(lat, 1)), Appends: int64(len(lat)), Machine: machine(),
				Durability: fmt.Sprintf("GET over loopback, one client; %s; baseline: the %d-event portfolio", shapes[id], sizes[0])})
		}
	}
	return nil
}

func exportPortfolio(size int) string { return fmt.Sprintf("p-%d", size) }

// exportSeed enrols one beneficiary per size with an API token, fills
// their portfolios and waits for the read models; it returns the tokens
// and what each portfolio holds.
func exportSeed(ctx context.Context, sys *system, sizes []int) (map[string]string, map[string]string, error) {
	op := commands.Call{Actor: domain.Actor{PersonID: "operator", Role: domain.RoleOperator}}
	if _, err := sys.h.RegisterStructure(ctx, op, commands.RegisterStructure{StructureID: "s-bench", Name: "Bench", Seats: 100}); err != nil {
		return nil, nil, err
	}
	tokens, shapes := map[string]string{}, map[string]string{}
	for _, size := range sizes {
		id := exportPortfolio(size)
		if _, err := sys.h.EnrolPerson(ctx, op, commands.EnrolPerson{StructureID: "s-bench", PersonID: id, Role: domain.RoleBeneficiary,
			Name: "Zoé Martin", Email: id + "@example.org"}); err != nil {
			return nil, nil, err
		}
		shape, err := fillForExport(ctx, sys.h, id, size)
		if err != nil {
			return nil, nil, err
		}
		shapes[id] = shape
		_, tok, err := sys.creds.CreateToken(ctx, op.Actor, credentials.NewToken{Tenant: "s-bench", Name: "bench", PersonID: id, Role: domain.RoleBeneficiary})
		if err != nil {
			return nil, nil, err
		}
		tokens[id] = tok
	}
	head, err := sys.store.Head(ctx)
	if err != nil {
		return nil, nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	return tokens, shapes, sys.runner.WaitFor(wctx, head)
}

// Bounds of a generated portfolio: past them, events edit what is there.
const (
	exportExperiences = 100
	exportTasksEach   = 5
	exportCompetences = 100
)

// fillForExport brings portfolio id to size events through the commands:
// experiences of every kind with up to five tasks each, competences, and
// edits and self-assessments of them once the bounds are reached, then a
// CV of twenty experiences and twenty competences. It says what the
// portfolio holds.
func fillForExport(ctx context.Context, h *commands.Handler, id string, size int) (string, error) {
	call := commands.Call{Actor: domain.Actor{PersonID: id, Tenant: "s-bench", Role: domain.RoleBeneficiary}}
	var nx, nt, nc int
	for i := 1; i < size-1; i++ { // PortfolioOpened is event 0, the CV the last
		var err error
		switch {
		case nx < exportExperiences && (i%5 == 1 || nx == 0):
			_, err = h.AddExperience(ctx, call, commands.AddExperience{PortfolioID: id, ExperienceID: fmt.Sprintf("x-%d", nx), ExperienceInput: exportExperience(nx, i)})
			nx++
		case nt < exportTasksEach*nx && i%5 == 2:
			_, err = h.AddTask(ctx, call, commands.AddTask{PortfolioID: id, ExperienceID: fmt.Sprintf("x-%d", nt/exportTasksEach), TaskID: fmt.Sprintf("t-%d", nt%exportTasksEach),
				Text: domain.TaskText{Title: fmt.Sprintf("Tâche n°%d", nt), Description: "Préparer, vérifier, ranger ; noter ce qui a changé."}})
			nt++
		case nc < exportCompetences && i%5 == 3:
			_, err = h.DeclareCompetence(ctx, call, commands.DeclareCompetence{PortfolioID: id, CompetenceID: fmt.Sprintf("c-%d", nc), CompetenceInput: domain.CompetenceInput{
				Framework: &domain.FrameworkRef{Framework: "RNCP37849", Code: fmt.Sprintf("BC0%d-C%d", 1+nc%4, nc)}, Text: domain.CompetenceText{Name: fmt.Sprintf("Compétence n°%d : accueillir la clientèle", nc)}}})
			nc++
		case nc > 0 && i%5 == 4:
			_, err = h.SelfAssessCompetence(ctx, call, commands.SelfAssessCompetence{PortfolioID: id, CompetenceID: fmt.Sprintf("c-%d", i%nc), Level: 1 + i%4})
		default:
			_, err = h.EditExperience(ctx, call, commands.EditExperience{PortfolioID: id, ExperienceID: fmt.Sprintf("x-%d", i%nx), ExperienceInput: exportExperience(i%nx, i)})
		}
		if err != nil {
			return "", fmt.Errorf("fill %s at event %d: %w", id, i, err)
		}
	}
	cv := domain.CVInput{Text: domain.CVText{Title: "CV vente", TargetJob: "Vendeuse en boulangerie", Summary: "Cinq ans de vente au comptoir."}}
	for k := 0; k < 20; k++ {
		if k < nx {
			cv.Experiences = append(cv.Experiences, fmt.Sprintf("x-%d", k))
		}
		if k < nc {
			cv.Competences = append(cv.Competences, fmt.Sprintf("c-%d", k))
		}
	}
	if _, err := h.CreateCV(ctx, call, commands.CreateCV{PortfolioID: id, CVID: "cv-1", CVInput: cv}); err != nil {
		return "", fmt.Errorf("fill %s: CV: %w", id, err)
	}
	return fmt.Sprintf("%d experiences, %d tasks, %d competences", nx, nt, nc), nil
}

// exportExperience is experience k as written at event i: the kinds in
// turn, so that every section of a résumé has entries.
func exportExperience(k, i int) domain.ExperienceInput {
	kinds := []domain.ExperienceKind{domain.KindProfessional, domain.KindVolunteer, domain.KindTraining, domain.KindPersonal, domain.KindLeisure}
	in := benchExperience(i)
	in.Kind = kinds[k%len(kinds)]
	in.From, in.To = domain.Date(fmt.Sprintf("%d-09-01", 2000+k%20)), domain.Date(fmt.Sprintf("%d-06-30", 2001+k%20))
	return in
}

// timeGets sends n GETs to url one after the other (after a few to warm
// up) and returns their latencies, sorted; any answer but 200 is an error.
func timeGets(ctx context.Context, url, token string, n int) ([]time.Duration, error) {
	get := func() (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return d, err
	}
	for i := 0; i < 3; i++ {
		if _, err := get(); err != nil {
			return nil, err
		}
	}
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		d, err := get()
		if err != nil {
			return nil, err
		}
		lat = append(lat, d)
	}
	slices.Sort(lat)
	return lat, nil
}
