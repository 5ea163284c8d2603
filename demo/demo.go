// Package demo seeds a data directory with a demonstration of Parcours: a
// structure, people in every role with logins, and a beneficiary with a
// rich portfolio (experiences and tasks, competences linked to
// frameworks, evidence with an image, comments, an attestation, a CV, a
// published page, a VAE dossier in progress, goals with a retroplanning,
// a logbook), so that a newcomer sees the product working.
//
// Everything goes through the real commands, as the people concerned,
// with fixed IDs and idempotency keys: seeding the same directory again
// adds nothing. What a replay cannot give back (the published page's
// token, shown once; the stored image) is kept in demo.json in the data
// directory, readable by its owner only.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// Password is every demo login's password. The demo's data directory is
// for trying the product, never for real data.
const Password = "demo-parcours"

// Deps are the service parts the demo is written through.
type Deps struct {
	Commands *commands.Handler
	Creds    *credentials.Service
	Files    *personaldata.Files
	// Now is the clock (default time.Now); the demo's dates are relative
	// to the day it was first seeded.
	Now func() time.Time
}

// Seeded is what Seed made, or found made by an earlier start.
type Seeded struct {
	People []Person
	// PagePath is the published page's address on the site, "/p/<token>".
	PagePath string
	// NewLink says that the page's link was published anew on this start:
	// the token of the earlier one was lost (demo.json was removed).
	NewLink bool
	// Position is that of the last event written: the read models show
	// the whole demo once they reach it.
	Position eventstore.Position
}

// Seed writes the demo through d, keeping its state in dir (the data
// directory). Run again on the same directory, it writes nothing new.
func Seed(ctx context.Context, d Deps, dir string) (Seeded, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	st, err := loadState(dir, domain.DateOf(d.Now()))
	if err != nil {
		return Seeded{}, err
	}
	s := &seeder{d: d, st: st, dir: dir}
	for _, step := range []func(context.Context){
		s.structure, s.logins, s.experiences, s.competences, s.evidence, s.feedback,
		s.cv, s.page, s.dossier, s.goals, s.journal, s.conversation, s.caseload,
	} {
		step(ctx)
		if s.err != nil {
			return Seeded{}, s.err
		}
	}
	return Seeded{People: People(), PagePath: "/p/" + s.st.PageToken, NewLink: s.newLink, Position: s.pos}, nil
}

// seeder runs the steps; the first error stops the others (each step
// checks s.err through run).
type seeder struct {
	d       Deps
	st      *state
	dir     string
	pos     eventstore.Position
	newLink bool
	err     error
}

// run sends one command as person who, with an idempotency key made of
// key. It reports whether the command had been sent before with other
// values (an earlier demo, seeded on another day, whose state file was
// lost): what it would create exists already.
func run[C any](ctx context.Context, s *seeder, who Person, key string,
	send func(*commands.Handler, context.Context, commands.Call, C) (commands.Result, error), cmd C) (res commands.Result, before bool) {
	if s.err != nil {
		return res, false
	}
	call := commands.Call{Actor: who.actor(), IdempotencyKey: "demo " + key}
	res, err := send(s.d.Commands, ctx, call, cmd)
	if errors.Is(err, commands.ErrIdempotencyKeyReused) {
		return res, true
	}
	if err != nil {
		s.err = fmt.Errorf("demo: %s: %w", key, err)
		return res, false
	}
	if s.pos.Less(res.Position) {
		s.pos = res.Position
	}
	return res, false
}

// day is the seeding day moved by n days, as a domain date.
func (s *seeder) day(n int) domain.Date {
	t, _ := s.st.Since.Time()
	return domain.DateOf(t.AddDate(0, 0, n))
}

// at is the seeding day moved by n days, as a time.
func (s *seeder) at(n int) time.Time {
	t, _ := s.st.Since.Time()
	return t.AddDate(0, 0, n)
}

// logins creates the demo accounts that do not exist yet.
func (s *seeder) logins(ctx context.Context) {
	for _, p := range People() {
		exists, err := s.d.Creds.AccountExists(ctx, p.Email)
		if err != nil {
			s.err = fmt.Errorf("demo: login of %s: %w", p.Email, err)
			return
		}
		if exists {
			continue
		}
		_, err = s.d.Creds.CreateUser(ctx, credentials.NewUser{Email: p.Email, Password: Password,
			PersonID: p.ID, Tenant: StructureID, Role: p.Role})
		if err != nil {
			s.err = fmt.Errorf("demo: login of %s: %w", p.Email, err)
			return
		}
	}
}
