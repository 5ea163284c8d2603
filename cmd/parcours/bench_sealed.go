package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/parcours/parcours/eventstore"
	"github.com/parcours/parcours/personaldata"
)

// runSealedCase measures appends whose events carry sealed personal data
// (sealing included in the time) against the same appends in clear, on the
// same store, alternating, in one run.
func runSealedCase(ctx context.Context, t *benchTarget, c appendCase, phase time.Duration) (benchLine, error) {
	dir, err := os.MkdirTemp("", "parcours-bench-keys-")
	if err != nil {
		return benchLine{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "keys.db")
	if err := personaldata.MigrateSQLiteKeys(ctx, path); err != nil {
		return benchLine{}, err
	}
	keys, err := personaldata.OpenSQLiteKeys(ctx, path)
	if err != nil {
		return benchLine{}, err
	}
	defer keys.Close()
	master, err := personaldata.LoadMasterKey("", dir)
	if err != nil {
		return benchLine{}, err
	}
	ring, err := personaldata.NewKeyring(keys, master)
	if err != nil {
		return benchLine{}, err
	}
	var sealedN, clearN int64
	var sealedT, clearT time.Duration
	var lat []time.Duration
	for round := 0; round < 2; round++ {
		n, l, d, err := storePhase(ctx, t.store, c, phase, fmt.Sprintf("sealed-%d", round), sealedEvents(ring))
		if err != nil {
			return benchLine{}, err
		}
		sealedN, sealedT, lat = sealedN+n, sealedT+d, append(lat, l...)
		n, _, d, err = storePhase(ctx, t.store, c, phase, fmt.Sprintf("clear-%d", round), clearPersonalEvents)
		if err != nil {
			return benchLine{}, err
		}
		clearN, clearT = clearN+n, clearT+d
	}
	slices.Sort(lat)
	value, base := float64(sealedN)/sealedT.Seconds(), float64(clearN)/clearT.Seconds()
	return benchLine{
		Bench: "append", Case: c.name, Backend: t.backend, Value: round1(value), Unit: "events/s",
		Baseline: round1(base), Ratio: float64(int(value/base*1000)) / 1000,
		Writers: c.writers, EventsPerAppend: c.eventsPerAppend, Durability: t.durable,
		Seconds: round1((sealedT + clearT).Seconds()), Appends: int64(len(lat)),
		P50ms: ms(quantile(lat, 0.5)), P99ms: ms(quantile(lat, 0.99)), MaxMs: ms(quantile(lat, 1)), Machine: machine(),
	}, nil
}

// benchPersonal is the personal part of a realistic event.
var benchPersonal, _ = json.Marshal(map[string]string{
	"title": "Vendeuse en boulangerie", "organisation": "Boulangerie du Vieux-Port, Marseille",
	"description": "Accueil des clients, encaissement, mise en rayon, préparation des commandes.",
})

const benchClear = `{"experience_id":"e-1","kind":"professional","context":"formal","from":"2021-09-01","to":"2023-06-30","occupation":"ROME:D1106"}`

func sealedEvents(ring *personaldata.Keyring) eventGen {
	return func(ctx context.Context, stream string, next uint64, n int) ([]eventstore.Proposed, error) {
		out := make([]eventstore.Proposed, n)
		for i := range out {
			id := eventstore.NewEventID()
			b := personaldata.Binding{Tenant: "structure-12", Stream: stream, EventID: id, Revision: next + uint64(i)}
			data, err := ring.SealData(ctx, b, "person-"+stream, []byte(benchClear), benchPersonal)
			if err != nil {
				return nil, err
			}
			out[i] = eventstore.Proposed{ID: id, Type: "ExperienceAdded", SchemaVersion: 1, Data: data,
				Metadata: []byte(`{"actor":"person-7f3a","role":"beneficiary","tenant":"structure-12"}`)}
		}
		return out, nil
	}
}

// clearPersonalEvents carries the same fields in clear.
func clearPersonalEvents(_ context.Context, _ string, _ uint64, n int) ([]eventstore.Proposed, error) {
	out := make([]eventstore.Proposed, n)
	data := append([]byte(benchClear[:len(benchClear)-1]+`,"personal":`), benchPersonal...)
	data = append(data, '}')
	for i := range out {
		out[i] = eventstore.Proposed{ID: eventstore.NewEventID(), Type: "ExperienceAdded", SchemaVersion: 1, Data: data,
			Metadata: []byte(`{"actor":"person-7f3a","role":"beneficiary","tenant":"structure-12"}`)}
	}
	return out, nil
}
