package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parcours/parcours/domain"
)

// FrameworkQuery asks for the entries whose labels (French or English,
// preferred or other) hold words beginning with each word of Q, whatever
// their case and accents.
type FrameworkQuery struct {
	Q     string
	Kinds []domain.FrameworkKind // none: every kind
	Lang  string                 // the labels to show first: "fr" (default) or "en"
	Limit int                    // 1 to MaxFrameworkHits (default 20)
	// Linkable keeps only the entries a competence may link to.
	Linkable bool
}

// MaxFrameworkHits bounds one search's answer.
const MaxFrameworkHits = 50

// maxCandidates bounds the entries one search reads for one kind: the
// index's first ones for the query's longest word, then filtered by the
// others. A word of two letters may match more; the person types on.
const maxCandidates = 400

// candidateChunk is how many candidates one query reads.
const candidateChunk = 100

// FrameworkHit is one entry found, or looked up by its reference.
type FrameworkHit struct {
	Kind      domain.FrameworkKind `json:"kind"`
	Version   int                  `json:"version"`
	Type      domain.EntryType     `json:"type"`
	Framework string               `json:"framework"`
	Code      string               `json:"code"`
	// Label is in the language asked for (the other one if the entry
	// has none); Labels has both.
	Label       string            `json:"label"`
	Labels      map[string]string `json:"labels"`
	Parent      string            `json:"parent,omitempty"`
	ParentLabel string            `json:"parent_label,omitempty"`
	// Linkable: a competence may link to it (framework and code).
	Linkable bool `json:"linkable"`
	// Matched is the other label the query matched, when it matched none
	// of the preferred ones.
	Matched string `json:"matched,omitempty"`
	rank    int
}

// FrameworkSearch answers q. A kind never imported has no entries; an
// empty query (or one of stop words only) finds nothing.
func (q *Queries) FrameworkSearch(ctx context.Context, fq FrameworkQuery) ([]FrameworkHit, error) {
	qw := queryWords(fq.Q)
	if len(qw) == 0 {
		return []FrameworkHit{}, nil
	}
	if fq.Limit <= 0 || fq.Limit > MaxFrameworkHits {
		fq.Limit = 20
	}
	if fq.Lang != "en" {
		fq.Lang = "fr"
	}
	kinds := fq.Kinds
	if len(kinds) == 0 {
		kinds = domain.FrameworkKinds
	}
	gen, err := q.db.generation(ctx, "frameworks")
	if err != nil {
		return nil, err
	}
	hits := []FrameworkHit{}
	for _, kind := range kinds {
		found, err := q.searchKind(ctx, gen, kind, qw, fq)
		if err != nil {
			return nil, err
		}
		hits = append(hits, found...)
	}
	slices.SortStableFunc(hits, func(a, b FrameworkHit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if la, lb := len(a.Label), len(b.Label); la != lb {
			return la - lb
		}
		return strings.Compare(fold(a.Label), fold(b.Label))
	})
	if len(hits) > fq.Limit {
		hits = hits[:fq.Limit]
	}
	return hits, q.parentLabels(ctx, gen, hits, fq.Lang)
}

func (q *Queries) searchKind(ctx context.Context, gen int, kind domain.FrameworkKind, qw []string, fq FrameworkQuery) ([]FrameworkHit, error) {
	cur, ok, err := q.currentFramework(ctx, gen, kind)
	if err != nil || !ok {
		return nil, err
	}
	prefix := fwPrefix(kind, cur.Version)
	anchor := slices.MaxFunc(qw, func(a, b string) int { return len(a) - len(b) })
	rows, err := q.db.reader.QueryContext(ctx, `SELECT doc FROM `+logTable("frameworks", gen)+
		` WHERE ns = $1 AND key >= $2 AND key < $3 ORDER BY key LIMIT $4`, nsFwWord, prefix+anchor, prefix+anchor+"\U0010FFFF", maxCandidates*4)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", kind, err)
	}
	var seqs []string
	seen := map[string]bool{}
	for rows.Next() && len(seqs) < maxCandidates {
		var raw []byte
		var seq string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return nil, err
		}
		if json.Unmarshal(raw, &seq) == nil && !seen[seq] {
			seen[seq] = true
			seqs = append(seqs, seq)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %s: %w", kind, err)
	}
	// Candidates are read a chunk at a time, and reading stops once
	// there are enough hits to rank: as one types, the first words of the
	// index for the query's longest word are the nearest ones.
	whole := strings.Join(qw, " ")
	var hits []FrameworkHit
	for start := 0; start < len(seqs) && len(hits) < 2*fq.Limit; start += candidateChunk {
		chunk := seqs[start:min(start+candidateChunk, len(seqs))]
		docs, err := q.fwDocs(ctx, gen, nsFwEntry, prefix, chunk)
		if err != nil {
			return nil, err
		}
		for _, seq := range chunk {
			var e fwEntryDoc
			if raw, ok := docs[seq]; !ok || json.Unmarshal(raw, &e) != nil {
				continue
			}
			h := hitOf(kind, cur.Version, e, fq.Lang)
			if fq.Linkable && !h.Linkable {
				continue
			}
			if h.rank, h.Matched, ok = matchRank(e, h, qw, whole, fq.Lang); ok {
				hits = append(hits, h)
			}
		}
	}
	return hits, nil
}

func hitOf(kind domain.FrameworkKind, version int, e fwEntryDoc, lang string) FrameworkHit {
	en := domain.FrameworkEntry{Type: e.Type, Framework: e.Framework, Code: e.Code, Parent: e.Parent, Labels: e.Labels, Alt: e.Alt}
	return FrameworkHit{Kind: kind, Version: version, Type: e.Type, Framework: e.Framework, Code: e.Code, Label: en.Label(lang),
		Labels: e.Labels, Parent: e.Parent, Linkable: en.Linkable()}
}

// matchRank reports whether every query word begins a word of the entry,
// and ranks the match: 0 the code itself, 1 the label in the language
// asked begins with the query, 2 all words in that label, 3 in the other
// language's, 4 in another label (returned as matched).
func matchRank(e fwEntryDoc, h FrameworkHit, qw []string, whole, lang string) (int, string, bool) {
	has := func(text string) bool {
		tw := allWords(text)
		for _, w := range qw {
			if !slices.ContainsFunc(tw, func(t string) bool { return strings.HasPrefix(t, w) }) {
				return false
			}
		}
		return true
	}
	switch {
	case fold(e.Code) == whole || fold(e.Framework+" "+e.Code) == whole:
		return 0, "", true
	case strings.HasPrefix(strings.Join(searchWords(h.Label), " "), whole):
		return 1, "", true
	case has(h.Label):
		return 2, "", true
	case has(e.Labels["fr"] + " " + e.Labels["en"]):
		return 3, "", true
	}
	for _, l := range []string{lang, "fr", "en"} {
		for _, a := range e.Alt[l] {
			if has(a) {
				return 4, a, true
			}
		}
	}
	if has(e.Code + " " + e.Framework) {
		return 2, "", true
	}
	return 0, "", false
}

// FrameworkEntries looks up the entries competences link to, in the
// versions in force; a reference to no entry (an older version's, or a
// kind never imported) is absent from the answer.
func (q *Queries) FrameworkEntries(ctx context.Context, refs []domain.FrameworkRef, lang string) (map[domain.FrameworkRef]FrameworkHit, error) {
	out := map[domain.FrameworkRef]FrameworkHit{}
	if len(refs) == 0 {
		return out, nil
	}
	gen, err := q.db.generation(ctx, "frameworks")
	if err != nil {
		return nil, err
	}
	byKind := map[domain.FrameworkKind][]domain.FrameworkRef{}
	for _, r := range refs {
		byKind[KindOf(r.Framework)] = append(byKind[KindOf(r.Framework)], r)
	}
	for kind, refs := range byKind {
		if !kind.Valid() {
			continue
		}
		found, err := q.lookup(ctx, gen, kind, refs, lang)
		if err != nil {
			return nil, err
		}
		for r, h := range found {
			out[r] = h
		}
	}
	return out, nil
}

// KindOf names the kind a reference's framework belongs to: ROME, ESCO,
// or an RNCP certification.
func KindOf(framework string) domain.FrameworkKind {
	switch {
	case framework == "ROME":
		return domain.FrameworkROME
	case framework == "ESCO":
		return domain.FrameworkESCO
	case strings.HasPrefix(framework, "RNCP"):
		return domain.FrameworkRNCP
	}
	return ""
}

func (q *Queries) lookup(ctx context.Context, gen int, kind domain.FrameworkKind, refs []domain.FrameworkRef, lang string) (map[domain.FrameworkRef]FrameworkHit, error) {
	cur, ok, err := q.currentFramework(ctx, gen, kind)
	if err != nil || !ok {
		return nil, err
	}
	prefix := fwPrefix(kind, cur.Version)
	keys := make([]string, len(refs))
	for i, r := range refs {
		keys[i] = r.Framework + "/" + r.Code
	}
	seqDocs, err := q.fwDocs(ctx, gen, nsFwRef, prefix, keys)
	if err != nil {
		return nil, err
	}
	seqOf := map[string]domain.FrameworkRef{}
	var seqs []string
	for i, k := range keys {
		var seq string
		if raw, ok := seqDocs[k]; ok && json.Unmarshal(raw, &seq) == nil {
			seqOf[seq] = refs[i]
			seqs = append(seqs, seq)
		}
	}
	docs, err := q.fwDocs(ctx, gen, nsFwEntry, prefix, seqs)
	if err != nil {
		return nil, err
	}
	out := map[domain.FrameworkRef]FrameworkHit{}
	for seq, raw := range docs {
		var e fwEntryDoc
		if json.Unmarshal(raw, &e) == nil {
			out[seqOf[seq]] = hitOf(kind, cur.Version, e, lang)
		}
	}
	return out, nil
}

// parentLabels fills the labels of the hits' parents (an appellation's
// occupation, a block's certification).
func (q *Queries) parentLabels(ctx context.Context, gen int, hits []FrameworkHit, lang string) error {
	var refs []domain.FrameworkRef
	for _, h := range hits {
		if h.Parent != "" {
			refs = append(refs, domain.FrameworkRef{Framework: h.Framework, Code: h.Parent})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	byKind := map[domain.FrameworkKind][]domain.FrameworkRef{}
	for _, r := range refs {
		byKind[KindOf(r.Framework)] = append(byKind[KindOf(r.Framework)], r)
	}
	parents := map[domain.FrameworkRef]FrameworkHit{}
	for kind, refs := range byKind {
		found, err := q.lookup(ctx, gen, kind, refs, lang)
		if err != nil {
			return err
		}
		for r, h := range found {
			parents[r] = h
		}
	}
	for i, h := range hits {
		if p, ok := parents[domain.FrameworkRef{Framework: h.Framework, Code: h.Parent}]; ok {
			hits[i].ParentLabel = p.Label
		}
	}
	return nil
}

// FrameworkVersion is a kind's version in force, as the read model has it.
type FrameworkVersion = fwVersionDoc

// CurrentFrameworks returns the version in force of each kind imported.
func (q *Queries) CurrentFrameworks(ctx context.Context) (map[domain.FrameworkKind]FrameworkVersion, error) {
	gen, err := q.db.generation(ctx, "frameworks")
	if err != nil {
		return nil, err
	}
	out := map[domain.FrameworkKind]FrameworkVersion{}
	for _, k := range domain.FrameworkKinds {
		v, ok, err := q.currentFramework(ctx, gen, k)
		if err != nil {
			return nil, err
		}
		if ok {
			out[k] = v
		}
	}
	return out, nil
}

func (q *Queries) currentFramework(ctx context.Context, gen int, kind domain.FrameworkKind) (fwVersionDoc, bool, error) {
	docs, err := q.fwDocs(ctx, gen, nsFwCurrent, "", []string{string(kind)})
	if err != nil {
		return fwVersionDoc{}, false, err
	}
	raw, ok := docs[string(kind)]
	if !ok {
		return fwVersionDoc{}, false, nil
	}
	var v fwVersionDoc
	if err := json.Unmarshal(raw, &v); err != nil {
		return fwVersionDoc{}, false, fmt.Errorf("decode framework %s: %w", kind, err)
	}
	return v, true, nil
}

// fwDocs reads the documents ns/prefix+key of generation gen, by key
// (without the prefix), in one query.
func (q *Queries) fwDocs(ctx context.Context, gen int, ns, prefix string, keys []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(keys) == 0 {
		return out, nil
	}
	args := []any{ns}
	marks := make([]string, len(keys))
	for i, k := range keys {
		args = append(args, prefix+k)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	rows, err := q.db.reader.QueryContext(ctx, `SELECT key, doc FROM `+docsTable("frameworks", gen)+` WHERE ns = $1 AND key IN (`+strings.Join(marks, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read frameworks %s: %w", ns, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var raw []byte
		if err := rows.Scan(&key, &raw); err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(key, prefix)] = raw
	}
	return out, rows.Err()
}
