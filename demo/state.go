package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/parcours/parcours/domain"
)

// StateFile is the demo's state in the data directory: what a replay of
// the commands cannot give back.
const StateFile = "demo.json"

// state is what a restart needs to seed the same demo again: the day it
// was first seeded (every date is relative to it, so that the commands
// replay identically), the published page's token (shown once) and the
// stored image (a new upload would be a new file).
type state struct {
	Since     domain.Date     `json:"since"`
	PageToken string          `json:"page_token,omitempty"`
	Image     *domain.FileRef `json:"image,omitempty"`
}

// loadState reads dir's state file, or starts one seeded on day today.
func loadState(dir string, today domain.Date) (*state, error) {
	st := &state{Since: today}
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("demo: read state: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("demo: read state %s: %w", filepath.Join(dir, StateFile), err)
	}
	if _, ok := st.Since.Time(); !ok {
		return nil, fmt.Errorf("demo: state %s: bad day %q", filepath.Join(dir, StateFile), st.Since)
	}
	return st, nil
}

// save writes the state with mode 0600 (it holds the page's token),
// atomically.
func (st *state) save(dir string) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("demo: save state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, StateFile+".tmp-")
	if err != nil {
		return fmt.Errorf("demo: save state: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, StateFile))
	}
	if err != nil {
		return fmt.Errorf("demo: save state: %w", err)
	}
	return nil
}
