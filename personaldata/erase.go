package personaldata

import (
	"context"
	"errors"
	"fmt"
)

// ErasureReport says what an erasure destroyed.
type ErasureReport struct {
	Subject string
	Files   int
}

// ErasePerson crypto-shreds subject: their encrypted files are removed,
// then their key and their files' keys are destroyed (from then on nothing
// of theirs can be read). It is idempotent: the file keys list what is left
// to remove until the keys go, so erasing again finishes an erasure that was
// interrupted.
func ErasePerson(ctx context.Context, ring *Keyring, files *Files, subject string) (ErasureReport, error) {
	ids, err := ring.store.FileIDs(ctx, subject)
	if err != nil {
		return ErasureReport{}, fmt.Errorf("erase %s: %w", subject, err)
	}
	var errs []error
	for _, id := range ids {
		errs = append(errs, files.Remove(id))
	}
	if err := errors.Join(errs...); err != nil {
		return ErasureReport{}, fmt.Errorf("erase %s: %w", subject, err)
	}
	if _, err := ring.Erase(ctx, subject); err != nil {
		return ErasureReport{}, err
	}
	return ErasureReport{Subject: subject, Files: len(ids)}, nil
}
