package domain

// Role is the capacity in which a person acts.
type Role string

const (
	RoleBeneficiary    Role = "beneficiary"
	RoleCounsellor     Role = "counsellor"
	RoleTutor          Role = "tutor"
	RoleStructureAdmin Role = "structure_admin"
	RoleAuditor        Role = "auditor"
	// RoleOperator runs the platform: registers structures and sells
	// seats. It belongs to no structure and never reads portfolios.
	RoleOperator Role = "operator"
)

// Roles lists every role.
var Roles = []Role{RoleBeneficiary, RoleCounsellor, RoleTutor, RoleStructureAdmin, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Actor is who issues a command: a person, in a role, within a structure
// (the tenant). The tenant comes from the credential, never from the
// request.
type Actor struct {
	PersonID string
	Tenant   string
	Role     Role
}
