package demo

import (
	"context"

	"github.com/parcours/parcours/commands"
	"github.com/parcours/parcours/domain"
)

// StructureID is the demo structure.
const StructureID = "s-demo"

// The demo's people, by ID.
const (
	Beneficiary      = "p-demo-lea"
	OtherBeneficiary = "p-demo-yanis"
	Counsellor       = "p-demo-karim"
	Tutor            = "p-demo-sophie" // tutor of the shop experience
	OtherTutor       = "p-demo-marc"   // tutor of the volunteering only
	Admin            = "p-demo-claire"
	Auditor          = "p-demo-jeanne"
)

// Person is someone of the demo, with their login.
type Person struct {
	ID    string
	Role  domain.Role
	Name  string
	Email string
	// About says what to look at as them.
	About string
}

// People lists the demo's people: the beneficiary with the rich
// portfolio first.
func People() []Person {
	return []Person{
		{Beneficiary, domain.RoleBeneficiary, "Léa Dupont", "lea.dupont@example.org",
			"a rich portfolio: CV, published page, VAE dossier"},
		{OtherBeneficiary, domain.RoleBeneficiary, "Yanis Haddad", "yanis.haddad@example.org",
			"a portfolio just started"},
		{Counsellor, domain.RoleCounsellor, "Karim Benali", "karim.benali@example.org",
			"follows Léa and Yanis"},
		{Tutor, domain.RoleTutor, "Sophie Laurent", "sophie.laurent@example.org",
			"workplace tutor of Léa's shop experience"},
		{OtherTutor, domain.RoleTutor, "Marc Petit", "marc.petit@example.org",
			"tutor of Léa's volunteering only"},
		{Admin, domain.RoleStructureAdmin, "Claire Martin", "claire.martin@example.org",
			"seats, enrolments, API tokens"},
		{Auditor, domain.RoleAuditor, "Jeanne Moreau", "jeanne.moreau@example.org",
			"VAE jury: reads Léa's dossier"},
	}
}

// Find returns the demo person with id (the zero Person if none).
func Find(id string) Person {
	for _, p := range People() {
		if p.ID == id {
			return p
		}
	}
	return Person{}
}

func (p Person) actor() domain.Actor {
	return domain.Actor{PersonID: p.ID, Tenant: StructureID, Role: p.Role}
}

// operator registers the structure and enrols its admin, as
// `parcours admin` does.
var operator = Person{ID: "operator", Role: domain.RoleOperator}

// structure registers the demo structure and enrols everyone: the admin
// by the operator, the others by the admin, who then assigns the
// counsellor to both beneficiaries.
func (s *seeder) structure(ctx context.Context) {
	h := (*commands.Handler).RegisterStructure
	run(ctx, s, operator, "structure", h, commands.RegisterStructure{StructureID: StructureID, Name: "Mission Locale Rhône-Sud (démo)", Seats: 25})
	admin := Find(Admin)
	enrol := (*commands.Handler).EnrolPerson
	run(ctx, s, operator, "enrol "+Admin, enrol, commands.EnrolPerson{StructureID: StructureID, PersonID: Admin, Role: admin.Role, Name: admin.Name, Email: admin.Email})
	for _, p := range People() {
		if p.ID != Admin {
			run(ctx, s, admin, "enrol "+p.ID, enrol, commands.EnrolPerson{StructureID: StructureID, PersonID: p.ID, Role: p.Role, Name: p.Name, Email: p.Email})
		}
	}
	for _, b := range []string{Beneficiary, OtherBeneficiary} {
		run(ctx, s, admin, "assign "+b, (*commands.Handler).AssignCounsellor, commands.AssignCounsellor{PortfolioID: b, CounsellorID: Counsellor})
	}
}

// caseload gives the counsellor's second beneficiary a portfolio that
// has just started, and an older logbook entry.
func (s *seeder) caseload(ctx context.Context) {
	yanis := Find(OtherBeneficiary)
	run(ctx, s, yanis, "yanis experience", (*commands.Handler).AddExperience, commands.AddExperience{
		PortfolioID: OtherBeneficiary, ExperienceID: "x-demo-delivery",
		ExperienceInput: domain.ExperienceInput{Kind: domain.KindProfessional, Context: domain.ContextNonFormal,
			From: "2024-03-01", Occupation: "ROME:N4105",
			Text: domain.ExperienceText{Title: "Livreur à vélo", Place: "Lyon", Organisation: "Auto-entrepreneur",
				Description: "Livraisons de repas en centre-ville, organisation des tournées."}}})
	run(ctx, s, Find(Counsellor), "yanis journal", (*commands.Handler).WriteJournalEntry, commands.WriteJournalEntry{
		PortfolioID: OtherBeneficiary, EntryID: "j-demo-yanis-1", Day: s.day(-40),
		Text: "Premier entretien : Yanis veut se former à la logistique. Prochain rendez-vous à fixer."})
}
