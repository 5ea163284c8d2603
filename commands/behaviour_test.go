package commands_test

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

func TestIdempotencyKey(t *testing.T) {
	w := newWorld(t)
	call := w.call(w.bene)
	call.IdempotencyKey = "add-first-job"
	cmd := commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("1")}
	first := w.mustDo(w.h.AddExperience(w.ctx, call, cmd))
	again := w.mustDo(w.h.AddExperience(w.ctx, call, cmd))
	if !again.Replayed || again.ID != first.ID || again.Revision != first.Revision || again.FirstRevision != first.FirstRevision {
		t.Fatalf("replay %+v, first %+v", again, first)
	}
	// A second handler (another process) on the same store answers the same.
	other := commands.New(w.store, w.ring, commands.Options{})
	third := w.mustDo(other.AddExperience(w.ctx, call, cmd))
	if !third.Replayed || third.ID != first.ID {
		t.Fatalf("replay through another handler %+v", third)
	}
	// The same key with another body is refused and changes nothing.
	rev := w.revision("portfolio-p-zoe")
	cmd.Text.Title = "Autre chose"
	if _, err := w.h.AddExperience(w.ctx, call, cmd); !errors.Is(err, commands.ErrIdempotencyKeyReused) {
		t.Fatalf("key reused for another command: %v", err)
	}
	if w.revision("portfolio-p-zoe") != rev {
		t.Fatal("a refused replay wrote")
	}
	n := 0
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { n = len(p.Experiences()) })
	if n != 1 {
		t.Fatalf("%d experiences after replays, want 1", n)
	}
	// Another actor's identical key is another command.
	call2 := w.call(w.bene2)
	call2.IdempotencyKey = "add-first-job"
	if res := w.mustDo(w.h.AddExperience(w.ctx, call2, commands.AddExperience{PortfolioID: "p-luc", ExperienceInput: w.experience("1")})); res.Replayed {
		t.Fatal("another person's key replayed")
	}
}

// TestConcurrentHandlers: two handlers (two processes) write the same
// portfolio; safe commands retry, unsafe ones report the conflict with the
// current revision, and nothing is lost or doubled.
func TestConcurrentHandlers(t *testing.T) {
	w := newWorld(t)
	h2 := commands.New(w.store, w.ring, commands.Options{Now: func() time.Time { return w.now }})
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		for _, h := range []*commands.Handler{w.h, h2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					_, err := h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("c")})
					var ce *eventstore.ConflictError
					if errors.As(err, &ce) {
						if !ce.Exists {
							errs <- errors.New("conflict without the current revision")
							return
						}
						continue // the caller decides to retry, as an app would
					}
					errs <- err
					return
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	count := 0
	w.read(w.bene, "p-zoe", func(p *domain.Portfolio) { count = len(p.Experiences()) })
	if count != 2*n {
		t.Fatalf("%d experiences, want %d", count, 2*n)
	}
	if _, err := eventstore.VerifyStream(w.ctx, w.store, "portfolio-p-zoe"); err != nil {
		t.Fatal(err)
	}
}

func TestIfRevision(t *testing.T) {
	w := newWorld(t)
	res := w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: w.experience("1")}))
	stale := res.Revision - 1
	call := w.call(w.bene)
	call.IfRevision = &stale
	_, err := w.h.EditExperience(w.ctx, call, commands.EditExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: w.experience("2")})
	var ce *eventstore.ConflictError
	if !errors.As(err, &ce) || ce.Actual != res.Revision {
		t.Fatalf("stale If-Match: %v", err)
	}
	call.IfRevision = &res.Revision
	w.mustDo(w.h.EditExperience(w.ctx, call, commands.EditExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: w.experience("2")}))
}

// TestPersonalDataSealed: names and free text never reach the store in
// clear, and an erased person's items read back empty, flagged erased.
func TestPersonalDataSealed(t *testing.T) {
	w := newWorld(t)
	in := w.experience("1")
	in.Text.Description = "Secret-Zoé-Description"
	w.mustDo(w.h.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceID: "x-1", ExperienceInput: in}))
	all, err := w.store.ReadAll(w.ctx, eventstore.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		for _, secret := range []string{"Secret-Zoé-Description", "Zoé Martin", "Boulangerie du Port", "Karim Benali"} {
			if bytes.Contains(e.Data, []byte(secret)) || bytes.Contains(e.Metadata, []byte(secret)) {
				t.Fatalf("%q in clear in %s@%d: %s", secret, e.Stream, e.Revision, e.Data)
			}
		}
	}
	if _, err := personaldata.ErasePerson(w.ctx, w.ring, w.files, "p-zoe"); err != nil {
		t.Fatal(err)
	}
	fresh := commands.New(w.store, w.ring, commands.Options{})
	err = fresh.ReadPortfolio(w.ctx, w.bene, "p-zoe", "", func(p *domain.Portfolio, _ uint64) error {
		x, ok := p.Experience("x-1")
		if !ok || x.Personal.Description != "" || x.Kind != domain.KindProfessional {
			t.Fatalf("erased experience %+v", x)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("an erased portfolio must still load: %v", err)
	}
	// Nothing new can be sealed for an erased person.
	if _, err := fresh.AddExperience(w.ctx, w.call(w.bene), commands.AddExperience{PortfolioID: "p-zoe", ExperienceInput: w.experience("2")}); !errors.Is(err, personaldata.ErrErased) {
		t.Fatalf("writing for an erased person: %v", err)
	}
	var decoded int
	for _, e := range all {
		d, err := fresh.Codec().Decode(w.ctx, e)
		if err != nil {
			t.Fatalf("decode %s@%d after erasure: %v", e.Stream, e.Revision, err)
		}
		if d.Subject == "p-zoe" && !d.Erased {
			t.Fatalf("%s@%d of the erased person not flagged erased", e.Stream, e.Revision)
		}
		decoded++
	}
}
