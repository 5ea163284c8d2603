package badges

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The JSON-LD contexts a credential names, in the order Open Badges 3.0
// requires. Verification here does not expand them (eddsa-jcs-2022 signs
// the JSON itself), so nothing is fetched.
const (
	ContextVC2 = "https://www.w3.org/ns/credentials/v2"
	ContextOB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

// Award is what Parcours records when it issues a badge: everything the
// credential says, so that it can be built again, byte for byte.
type Award struct {
	ID            string // a UUID: the credential is urn:uuid:ID
	IssuerURL     string // the issuer profile, served at this URL
	IssuerName    string
	Recipient     string // the person's ID in Parcours, never shown in clear
	Salt          string // salts the recipient's identity hash
	Achievement   Achievement
	StatusListURL string
	StatusIndex   int
	IssuedAt      time.Time
}

// Achievement is what the badge recognises: an RNCP competence block
// (RNCPCode and BlockCode set) or another achievement.
type Achievement struct {
	ID          string // a URI naming the achievement
	Name        string
	Description string
	Criteria    string // how it was earned (a VAE jury's decision, a counsellor's)
	RNCPCode    string // "RNCP34567"
	BlockCode   string // "BC01" (with RNCPCode) or ""
	CertTitle   string // the certification's title, for the alignment
	Language    string // BCP 47, "fr" by default
}

// RNCPURL is France Compétences' page of an RNCP certification.
func RNCPURL(code string) string {
	return "https://www.francecompetences.fr/recherche/rncp/" + strings.TrimPrefix(strings.ToUpper(code), "RNCP") + "/"
}

// IdentityHash is how the credential names its recipient: SHA-256 of the
// person's ID followed by the salt, as OB 3.0's IdentityHash.
func IdentityHash(recipient, salt string) string {
	h := sha256.Sum256([]byte(recipient + salt))
	return "sha256$" + hex.EncodeToString(h[:])
}

type credential struct {
	Context           []string         `json:"@context"`
	ID                string           `json:"id"`
	Type              []string         `json:"type"`
	Name              string           `json:"name"`
	Issuer            profileRef       `json:"issuer"`
	ValidFrom         string           `json:"validFrom"`
	CredentialSubject subject          `json:"credentialSubject"`
	CredentialSchema  []schemaRef      `json:"credentialSchema"`
	CredentialStatus  credentialStatus `json:"credentialStatus"`
	Proof             []Proof          `json:"proof,omitempty"`
}

type profileRef struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
	Name string   `json:"name"`
}

type subject struct {
	Type        []string         `json:"type"`
	Identifier  []identityObject `json:"identifier"`
	Achievement achievement      `json:"achievement"`
}

type identityObject struct {
	Type         string `json:"type"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
	Salt         string `json:"salt"`
}

type achievement struct {
	ID              string      `json:"id"`
	Type            []string    `json:"type"`
	AchievementType string      `json:"achievementType"`
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	Criteria        criteria    `json:"criteria"`
	HumanCode       string      `json:"humanCode,omitempty"`
	InLanguage      string      `json:"inLanguage"`
	Alignment       []alignment `json:"alignment,omitempty"`
}

type criteria struct {
	Narrative string `json:"narrative"`
}

type alignment struct {
	Type            []string `json:"type"`
	TargetName      string   `json:"targetName"`
	TargetURL       string   `json:"targetUrl"`
	TargetCode      string   `json:"targetCode,omitempty"`
	TargetFramework string   `json:"targetFramework"`
	TargetType      string   `json:"targetType"`
}

type schemaRef struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type credentialStatus struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// SchemaURL is the Open Badges 3.0 schema a credential declares.
const SchemaURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"

// Credential is the award as an OpenBadgeCredential secured by key.
func (a Award) Credential(key ed25519.PrivateKey) ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	c := credential{
		Context:   []string{ContextVC2, ContextOB3},
		ID:        "urn:uuid:" + a.ID,
		Type:      []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:      a.Achievement.Name,
		Issuer:    profileRef{ID: a.IssuerURL, Type: []string{"Profile"}, Name: a.IssuerName},
		ValidFrom: a.IssuedAt.UTC().Format(time.RFC3339),
		CredentialSubject: subject{
			Type: []string{"AchievementSubject"},
			Identifier: []identityObject{{
				Type: "IdentityObject", IdentityHash: IdentityHash(a.Recipient, a.Salt),
				IdentityType: "systemId", Hashed: true, Salt: a.Salt,
			}},
			Achievement: a.Achievement.document(),
		},
		CredentialSchema: []schemaRef{{ID: SchemaURL, Type: "1EdTechJsonSchemaValidator2019"}},
		CredentialStatus: credentialStatus{
			ID:   a.StatusListURL + "#" + strconv.Itoa(a.StatusIndex),
			Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
			StatusListIndex: strconv.Itoa(a.StatusIndex), StatusListCredential: a.StatusListURL,
		},
	}
	unsigned, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode credential: %w", err)
	}
	p, err := Sign(unsigned, key, a.IssuedAt)
	if err != nil {
		return nil, err
	}
	c.Proof = []Proof{p}
	return json.MarshalIndent(&c, "", "  ")
}

func (a Award) check() error {
	switch {
	case a.ID == "" || a.IssuerURL == "" || a.IssuerName == "" || a.Recipient == "":
		return fmt.Errorf("award needs an ID, an issuer and a recipient: %w", ErrMalformed)
	case a.Achievement.ID == "" || a.Achievement.Name == "" || a.Achievement.Description == "" || a.Achievement.Criteria == "":
		return fmt.Errorf("award needs an achievement with an ID, a name, a description and criteria: %w", ErrMalformed)
	case a.StatusListURL == "" || a.StatusIndex < 0 || a.StatusIndex >= StatusListSize:
		return fmt.Errorf("award needs a status list and an index below %d: %w", StatusListSize, ErrMalformed)
	case a.IssuedAt.IsZero():
		return fmt.Errorf("award needs its time of issue: %w", ErrMalformed)
	}
	return nil
}

func (x Achievement) document() achievement {
	lang := x.Language
	if lang == "" {
		lang = "fr"
	}
	d := achievement{
		ID: x.ID, Type: []string{"Achievement"}, AchievementType: "Achievement",
		Name: x.Name, Description: x.Description, Criteria: criteria{Narrative: x.Criteria},
		InLanguage: lang,
	}
	if x.RNCPCode != "" && x.BlockCode != "" {
		d.AchievementType = "Competency"
		d.HumanCode = x.RNCPCode + " " + x.BlockCode
		target := x.CertTitle
		if target == "" {
			target = x.RNCPCode
		}
		d.Alignment = []alignment{{
			Type: []string{"Alignment"}, TargetName: x.BlockCode + " — " + target,
			TargetURL: RNCPURL(x.RNCPCode), TargetCode: x.RNCPCode + "-" + x.BlockCode,
			TargetFramework: "RNCP (France Compétences)", TargetType: "ext:RNCPBlock",
		}}
	}
	return d
}
