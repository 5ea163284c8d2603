package domain

import "time"

// maxBadgeText bounds a badge's texts, in characters.
const maxBadgeText = 2000

// IssueBlockBadge decides a badge for block of dossier, which the jury
// validated: its texts come from the dossier's certification. A block
// has one badge: issuing it again records nothing.
func (r *BadgeRegistry) IssueBlockBadge(p *Portfolio, dossier, block string, b BadgeFacts, now time.Time) ([]Event, error) {
	d, err := p.dossier(dossier)
	if err != nil {
		return nil, err
	}
	blk, ok := d.Block(block)
	if !ok {
		return nil, notFound("block", "no block %s in dossier %s", block, dossier)
	}
	if d.Decisions[block] != BlockValidated {
		return nil, conflict("block %s of dossier %s is not validated by the jury", block, dossier)
	}
	if _, done := r.ForBlock(p.ID(), dossier, block); done {
		return nil, nil
	}
	cert := d.Certification
	b.Source = BadgeVAEBlock
	b.Achievement = BadgeAchievement{
		Name:        blk.Title,
		Description: "Bloc de compétences " + blk.Code + " de la certification " + cert.RNCPCode + " « " + cert.Title + " », validé par la voie de la VAE.",
		Criteria:    "Validation du bloc par le jury VAE de la certification, décision transcrite dans Parcours.",
		Dossier:     dossier, RNCPCode: cert.RNCPCode, BlockCode: blk.Code, CertTitle: cert.Title,
	}
	return r.issue(p, b, now)
}

// IssueAchievementBadge decides a badge for another achievement of
// portfolio p, as a counsellor recognised it.
func (r *BadgeRegistry) IssueAchievementBadge(p *Portfolio, a BadgeAchievement, b BadgeFacts, now time.Time) ([]Event, error) {
	if err := checkText("name", a.Name, 1, 200); err != nil {
		return nil, err
	}
	if err := checkText("description", a.Description, 1, maxBadgeText); err != nil {
		return nil, err
	}
	if err := checkText("criteria", a.Criteria, 1, maxBadgeText); err != nil {
		return nil, err
	}
	b.Source = BadgeOther
	b.Achievement = BadgeAchievement{Name: a.Name, Description: a.Description, Criteria: a.Criteria}
	return r.issue(p, b, now)
}

func (r *BadgeRegistry) issue(p *Portfolio, b BadgeFacts, now time.Time) ([]Event, error) {
	if !ValidUUID(b.ID) {
		return nil, invalid("badge_id", "must be a UUID")
	}
	if _, dup := r.badges[b.ID]; dup {
		return nil, conflict("badge %s exists", b.ID)
	}
	if len(r.order) >= MaxBadges {
		return nil, conflict("the structure's revocation list is full (%d badges)", MaxBadges)
	}
	b.Portfolio, b.Recipient, b.StatusIndex, b.IssuedAt = p.ID(), p.Owner(), len(r.order), now
	return []Event{&BadgeIssued{BadgeFacts: b}}, nil
}

// RevokeBadge decides the revocation of badge id; revoking a revoked
// badge records nothing.
func (r *BadgeRegistry) RevokeBadge(id, reason, by string, now time.Time) ([]Event, error) {
	b, ok := r.badges[id]
	if !ok {
		return nil, notFound("badge", "no badge %s", id)
	}
	if err := checkText("reason", reason, 1, 500); err != nil {
		return nil, err
	}
	if b.Revoked {
		return nil, nil
	}
	return []Event{&BadgeRevoked{BadgeID: id, Reason: reason, By: by, At: now}}, nil
}
