package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/credentials"
	"github.com/parcours/parcours/domain"
	"github.com/parcours/parcours/eventcodec"
	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/projections"
)

// system is everything a running Parcours holds: the event store, the
// personal-data vault, the command handler, the read models and their
// runner.
type system struct {
	store   eventstore.Store
	vault   *vault
	codec   *eventcodec.Codec
	h       *commands.Handler
	rm      *projections.DB
	runner  *projections.Runner
	queries *projections.Queries
	creds   *credentials.Service
}

// openSystem opens every part; with migrate, schemas are created or
// upgraded first.
func openSystem(ctx context.Context, sc *storeConfig, migrate bool, log *slog.Logger) (*system, error) {
	s := &system{}
	var err error
	if s.store, err = openStore(ctx, sc, migrate); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if s.vault, err = openVault(ctx, sc, migrate); err != nil {
		s.store.Close()
		return nil, fmt.Errorf("open personal-data keys: %w", err)
	}
	if s.rm, err = openReadModels(ctx, sc, migrate); err != nil {
		s.close()
		return nil, err
	}
	s.codec = eventcodec.New(s.vault.ring)
	s.h = commands.New(s.store, s.vault.ring, commands.Options{Log: log, PublicURL: sc.PublicURL})
	if s.creds, err = openCredentials(ctx, sc, migrate, s.activeMember); err != nil {
		s.close()
		return nil, fmt.Errorf("open credentials: %w", err)
	}
	if s.runner, err = projections.NewRunnerWithOptions(s.store, s.codec, s.rm, log, projections.RunnerOptions{OnErased: s.h.PersonErased}, projections.All()...); err != nil {
		s.close()
		return nil, err
	}
	s.queries = projections.NewQueries(s.rm, s.codec)
	return s, nil
}

// openReadModels opens readmodels.db in the data directory or, with the
// PostgreSQL store, the read-model tables in the same database, which
// several processes share.
func openReadModels(ctx context.Context, sc *storeConfig, migrate bool) (*projections.DB, error) {
	kind, err := sc.kind()
	if err != nil {
		return nil, err
	}
	if kind == "postgres" {
		if migrate {
			if err := projections.MigratePostgres(ctx, sc.Store); err != nil {
				return nil, err
			}
		}
		return projections.OpenPostgres(ctx, sc.Store)
	}
	path := filepath.Join(sc.Data, "readmodels.db")
	if migrate {
		if err := os.MkdirAll(sc.Data, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		if err := projections.MigrateSQLite(ctx, path); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no read models in %s (run `parcours migrate` first)", sc.Data)
	}
	return projections.OpenSQLite(ctx, path)
}

func (s *system) close() error {
	var errs []error
	if s.creds != nil {
		errs = append(errs, s.creds.Close())
	}
	if s.rm != nil {
		errs = append(errs, s.rm.Close())
	}
	if s.vault != nil {
		errs = append(errs, s.vault.close())
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	return errors.Join(errs...)
}

// activeMember is the credential service's enrolment check: an active
// member in the role, and not erased (an erased person's ID stays a member
// of the log, but no login or token may act as them again).
func (s *system) activeMember(ctx context.Context, tenant, personID string, role domain.Role) (bool, error) {
	ok, err := s.h.IsMember(ctx, tenant, personID, role)
	if err != nil || !ok {
		return ok, err
	}
	gone, err := s.vault.ring.WasErased(ctx, personID)
	return !gone, err
}
