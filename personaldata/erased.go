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
