package auditlog

import (
	"fmt"
	"io"
)

// Status of one check of a bundle.
type Status int

const (
	StatusOK   Status = iota
	StatusInfo        // something the reader should know; not a failure
	StatusWarn        // a weaker check than possible (the key came from the bundle)
	StatusFail
)

func (s Status) String() string {
	return [...]string{"OK", "INFO", "ATTENTION/WARNING", "ÉCHEC/FAIL"}[s]
}

// Check is one verified property of a bundle, said in French and English.
type Check struct {
	// Name is stable, for scripts and tests: zip, key, manifest, entries,
	// checkpoint, chain, inclusion, anchor, disclosure, dossier, files.
	// The disclosure check covers both which parts are disclosed and what
	// their part keys prove: how many parts were proven by key, how many
	// are only attested by the signature (seal v1), how many erased.
	Name   string `json:"name"`
	Status Status `json:"status"`
	FR     string `json:"fr"`
	EN     string `json:"en"`
}

// Report is the outcome of verifying a bundle.
type Report struct {
	PortfolioID string  `json:"portfolio_id,omitempty"`
	DossierID   string  `json:"dossier_id,omitempty"`
	Checks      []Check `json:"checks"`
}

// OK reports whether no check failed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if c.Status == StatusFail {
			return false
		}
	}
	return true
}

// Failed reports whether the check named name failed.
func (r *Report) Failed(name string) bool {
	for _, c := range r.Checks {
		if c.Name == name && c.Status == StatusFail {
			return true
		}
	}
	return false
}

func (r *Report) add(name string, s Status, fr, en string) {
	r.Checks = append(r.Checks, Check{Name: name, Status: s, FR: fr, EN: en})
}

func (r *Report) ok(name, fr, en string) { r.add(name, StatusOK, fr, en) }

func (r *Report) fail(name, fr, en string, err error) {
	if err != nil {
		fr, en = fr+" : "+err.Error(), en+": "+err.Error()
	}
	r.add(name, StatusFail, fr, en)
}

// WriteText prints the report for people, French first.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintln(w, "Vérification d'un paquet de preuves VAE / VAE evidence bundle verification")
	if r.DossierID != "" {
		fmt.Fprintf(w, "Dossier %s, portfolio %s\n", r.DossierID, r.PortfolioID)
	}
	fmt.Fprintln(w)
	for _, c := range r.Checks {
		fmt.Fprintf(w, "[%s] %s\n", c.Status, c.FR)
		fmt.Fprintf(w, "%*s %s\n", len(c.Status.String())+2, "", c.EN)
	}
	fmt.Fprintln(w)
	if r.OK() {
		fmt.Fprintln(w, "RÉSULTAT : le paquet est intègre et complet ; il correspond au journal signé.")
		fmt.Fprintln(w, "RESULT: the bundle is intact and complete; it matches the signed log.")
		return
	}
	fmt.Fprintln(w, "RÉSULTAT : ÉCHEC — le paquet a été altéré, est incomplet, ou ne correspond pas au journal signé.")
	fmt.Fprintln(w, "RESULT: FAILED — the bundle was altered, is incomplete, or does not match the signed log.")
}
