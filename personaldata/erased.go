package personaldata

import (
	"context"
	"errors"
)

// Erased reports whether subject's key is gone: erased, or never made (a
// person whose data was never sealed has nothing to read either).
func (k *Keyring) Erased(ctx context.Context, subject string) (bool, error) {
	_, err := k.key(ctx, subject, false)
	if errors.Is(err, ErrErased) {
		return true, nil
	}
	return false, err
}

// WasErased reports whether subject was erased: their key was destroyed
// and a tombstone recorded. Unlike Erased, it is false for a person who
// never had a key.
func (k *Keyring) WasErased(ctx context.Context, subject string) (bool, error) {
	_, err := k.store.Get(ctx, subject)
	switch {
	case errors.Is(err, ErrErased):
		return true, nil
	case err == nil, errors.Is(err, ErrNoKey):
		return false, nil
	}
	return false, err
}
