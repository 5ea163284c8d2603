package domain

import "time"

// JournalEntryWritten records a dated logbook entry, by the owner or an
// assigned counsellor, in the role they acted in.
type JournalEntryWritten struct {
	EntryID  string      `json:"entry_id"`
	Author   string      `json:"author"`
	Role     Role        `json:"role"`
	Day      Date        `json:"day"`
	Personal CommentText `json:"-"`
}

func (JournalEntryWritten) EventType() string    { return "JournalEntryWritten" }
func (e *JournalEntryWritten) PersonalPart() any { return &e.Personal }

func (e *JournalEntryWritten) applyTo(p *Portfolio) {
	p.journal[e.EntryID] = &JournalEntry{ID: e.EntryID, Author: e.Author, Role: e.Role, Day: e.Day, Personal: e.Personal}
}

var journalEvents = []EventSpec{
	{Type: "JournalEntryWritten", Version: 1, New: func() Event { return &JournalEntryWritten{} }},
}

// WriteJournalEntry decides a logbook entry by author (who the command
// layer authorized) for day (today if empty; not in the future).
func (p *Portfolio) WriteJournalEntry(id string, author Actor, day Date, text string, now time.Time) ([]Event, error) {
	if err := p.mustExist(); err != nil {
		return nil, err
	}
	if err := checkID("entry_id", id); err != nil {
		return nil, err
	}
	if _, dup := p.journal[id]; dup {
		return nil, conflict("journal entry %s already exists", id)
	}
	day, err := pastDay("day", day, now)
	if err != nil {
		return nil, err
	}
	if err := checkText("text", text, 1, 10000); err != nil {
		return nil, err
	}
	return []Event{&JournalEntryWritten{EntryID: id, Author: author.PersonID, Role: author.Role, Day: day,
		Personal: CommentText{Text: text}}}, nil
}

// pastDay returns day, or today if it is empty; a day after today is
// refused.
func pastDay(field string, day Date, now time.Time) (Date, error) {
	today := DateOf(now)
	if day == "" {
		return today, nil
	}
	if err := checkDate(field, day, true); err != nil {
		return "", err
	}
	if day > today {
		return "", invalid(field, "must not be after today (%s)", today)
	}
	return day, nil
}
