package domain

// Structure is an organisation that subscribes seats (the tenant). Its
// stream holds its seats and its members.
type Structure struct {
	id      string
	name    string
	seats   int
	members map[string]Member
	exists  bool
	// inactivityDays: see SetInactivityPeriod (notification_decide.go).
	inactivityDays int
}

// Member is a person of a structure.
type Member struct {
	PersonID string
	Role     Role
	Active   bool
}

// NewStructure returns the empty state of structure id, before any event.
func NewStructure(id string) *Structure {
	return &Structure{id: id, members: map[string]Member{}}
}

func (s *Structure) ID() string   { return s.id }
func (s *Structure) Name() string { return s.name }
func (s *Structure) Seats() int   { return s.seats }
func (s *Structure) Exists() bool { return s.exists }

// Member returns the person's membership.
func (s *Structure) Member(personID string) (Member, bool) {
	m, ok := s.members[personID]
	return m, ok
}

// Members returns every member, active or not.
func (s *Structure) Members() map[string]Member { return s.members }

// SeatsUsed counts active beneficiaries: they are what seats pay for.
func (s *Structure) SeatsUsed() int {
	n := 0
	for _, m := range s.members {
		if m.Active && m.Role == RoleBeneficiary {
			n++
		}
	}
	return n
}

// HasActive reports whether personID is an active member in role.
func (s *Structure) HasActive(personID string, role Role) bool {
	m, ok := s.members[personID]
	return ok && m.Active && m.Role == role
}

// Apply evolves the state by one event; it never fails.
func (s *Structure) Apply(e Event) {
	if se, ok := e.(structureEvent); ok {
		se.applyToStructure(s)
	}
}

type structureEvent interface {
	Event
	applyToStructure(*Structure)
}

// Structure events.
type (
	StructureRegistered struct {
		StructureID string `json:"structure_id"`
		Name        string `json:"name"`
		Seats       int    `json:"seats"`
	}
	SeatsChanged struct {
		Seats int `json:"seats"`
	}
	PersonEnrolled struct {
		PersonID string         `json:"person_id"`
		Role     Role           `json:"role"`
		Personal PersonIdentity `json:"-"`
	}
	PersonLeft struct {
		PersonID string `json:"person_id"`
	}
)

// PersonIdentity is a person's personal data as their structure knows it.
type PersonIdentity struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

func (StructureRegistered) EventType() string { return "StructureRegistered" }
func (SeatsChanged) EventType() string        { return "SeatsChanged" }
func (PersonEnrolled) EventType() string      { return "PersonEnrolled" }
func (PersonLeft) EventType() string          { return "PersonLeft" }

func (e *PersonEnrolled) PersonalPart() any   { return &e.Personal }
func (e *PersonEnrolled) DataSubject() string { return e.PersonID }

func (e *StructureRegistered) applyToStructure(s *Structure) {
	s.exists, s.name, s.seats = true, e.Name, e.Seats
}
func (e *SeatsChanged) applyToStructure(s *Structure) { s.seats = e.Seats }
func (e *PersonEnrolled) applyToStructure(s *Structure) {
	s.members[e.PersonID] = Member{PersonID: e.PersonID, Role: e.Role, Active: true}
}
func (e *PersonLeft) applyToStructure(s *Structure) {
	m := s.members[e.PersonID]
	m.Active = false
	s.members[e.PersonID] = m
}

var structureEvents = []EventSpec{
	{Type: "StructureRegistered", Version: 1, New: func() Event { return &StructureRegistered{} }},
	{Type: "SeatsChanged", Version: 1, New: func() Event { return &SeatsChanged{} }},
	{Type: "PersonEnrolled", Version: 1, New: func() Event { return &PersonEnrolled{} }},
	{Type: "PersonLeft", Version: 1, New: func() Event { return &PersonLeft{} }},
}

// RegisterStructure decides the registration of a new structure.
func (s *Structure) RegisterStructure(name string, seats int) ([]Event, error) {
	if s.exists {
		return nil, conflict("structure %s is already registered", s.id)
	}
	if err := checkText("name", name, 1, 200); err != nil {
		return nil, err
	}
	if seats < 1 || seats > 1_000_000 {
		return nil, invalid("seats", "must be between 1 and 1000000")
	}
	return []Event{&StructureRegistered{StructureID: s.id, Name: name, Seats: seats}}, nil
}

// ChangeSeats decides a new number of seats; it may not fall below the
// seats in use.
func (s *Structure) ChangeSeats(seats int) ([]Event, error) {
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if seats < 1 || seats > 1_000_000 {
		return nil, invalid("seats", "must be between 1 and 1000000")
	}
	if used := s.SeatsUsed(); seats < used {
		return nil, &Error{Kind: KindConflict, Field: "seats", Reason: "fewer seats than active beneficiaries (" + itoa(used) + ")"}
	}
	return []Event{&SeatsChanged{Seats: seats}}, nil
}

// Enrol decides the enrolment of a person in a role. Active beneficiaries
// count against seats.
func (s *Structure) Enrol(personID string, role Role, who PersonIdentity) ([]Event, error) {
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("person_id", personID); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, invalid("role", "must be one of beneficiary, counsellor, tutor, structure_admin, auditor")
	}
	if err := checkText("name", who.Name, 1, 200); err != nil {
		return nil, err
	}
	if who.Email != "" {
		if err := checkEmail(who.Email); err != nil {
			return nil, err
		}
	}
	if m, ok := s.members[personID]; ok && m.Active {
		return nil, conflict("person %s is already an active member", personID)
	}
	if role == RoleBeneficiary && s.SeatsUsed() >= s.seats {
		return nil, &Error{Kind: KindConflict, Field: "seats", Reason: "every seat is taken (" + itoa(s.seats) + "): add seats first"}
	}
	return []Event{&PersonEnrolled{PersonID: personID, Role: role, Personal: who}}, nil
}

// Leave decides that a person leaves the structure; their portfolio stays
// theirs.
func (s *Structure) Leave(personID string) ([]Event, error) {
	if err := s.mustExist(); err != nil {
		return nil, err
	}
	if m, ok := s.members[personID]; !ok || !m.Active {
		return nil, notFound("person_id", "no active member %s", personID)
	}
	return []Event{&PersonLeft{PersonID: personID}}, nil
}

func (s *Structure) mustExist() error {
	if !s.exists {
		return notFound("structure", "no structure %s", s.id)
	}
	return nil
}
