package commands

import (
	"context"
	"slices"
	"time"

	"github.com/parcours/parcours/domain"
)

// Goals and their retroplanning are planned by the owner or an assigned
// counsellor (actPlan).

// SetGoal records a goal with its target date.
type SetGoal struct {
	PortfolioID string `json:"portfolio_id"`
	GoalID      string `json:"goal_id,omitempty"`
	domain.GoalInput
}

// SetGoal is safe to re-decide: a new goal depends on nothing another
// command changes but its own ID.
func (h *Handler) SetGoal(ctx context.Context, call Call, cmd SetGoal) (Result, error) {
	if cmd.GoalID == "" {
		cmd.GoalID = h.newID(call, "goal-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.SetGoal(cmd.GoalID, cmd.GoalInput, now)
		})
	res.ID = cmd.GoalID
	return res, err
}

// PlanMilestones plans milestones backwards from a goal's target date,
// each due DaysBefore days before it. Milestones without an ID get one;
// name them to know their IDs (Result.ID is empty: several are made).
type PlanMilestones struct {
	PortfolioID string                    `json:"portfolio_id"`
	GoalID      string                    `json:"goal_id"`
	Milestones  []domain.PlannedMilestone `json:"milestones"`
}

func (h *Handler) PlanMilestones(ctx context.Context, call Call, cmd PlanMilestones) (Result, error) {
	cmd.Milestones = slices.Clone(cmd.Milestones)
	for i := range cmd.Milestones {
		if cmd.Milestones[i].MilestoneID == "" {
			cmd.Milestones[i].MilestoneID = h.newID(call, "m-", i)
		}
	}
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.PlanMilestones(cmd.GoalID, cmd.Milestones, now)
		})
}

// AddMilestone adds one milestone due on a given day.
type AddMilestone struct {
	PortfolioID string               `json:"portfolio_id"`
	GoalID      string               `json:"goal_id"`
	MilestoneID string               `json:"milestone_id,omitempty"`
	Due         domain.Date          `json:"due"`
	Text        domain.MilestoneText `json:"text"`
}

func (h *Handler) AddMilestone(ctx context.Context, call Call, cmd AddMilestone) (Result, error) {
	if cmd.MilestoneID == "" {
		cmd.MilestoneID = h.newID(call, "m-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.AddMilestone(cmd.GoalID, cmd.MilestoneID, cmd.Due, cmd.Text, now)
		})
	res.ID = cmd.MilestoneID
	return res, err
}

// MoveMilestone gives a milestone a new due date.
type MoveMilestone struct {
	PortfolioID string      `json:"portfolio_id"`
	GoalID      string      `json:"goal_id"`
	MilestoneID string      `json:"milestone_id"`
	Due         domain.Date `json:"due"`
}

// MoveMilestone is not re-decided on a conflict: it would silently undo a
// move someone else just made.
func (h *Handler) MoveMilestone(ctx context.Context, call Call, cmd MoveMilestone) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, false,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.MoveMilestone(cmd.GoalID, cmd.MilestoneID, cmd.Due, now)
		})
}

// ReachMilestone records that a milestone was reached on a day (today if
// On is empty).
type ReachMilestone struct {
	PortfolioID string      `json:"portfolio_id"`
	GoalID      string      `json:"goal_id"`
	MilestoneID string      `json:"milestone_id"`
	On          domain.Date `json:"on,omitempty"`
}

func (h *Handler) ReachMilestone(ctx context.Context, call Call, cmd ReachMilestone) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.ReachMilestone(cmd.GoalID, cmd.MilestoneID, cmd.On, now)
		})
}

// RemoveMilestone removes a milestone from the retroplanning.
type RemoveMilestone struct {
	PortfolioID string `json:"portfolio_id"`
	GoalID      string `json:"goal_id"`
	MilestoneID string `json:"milestone_id"`
}

func (h *Handler) RemoveMilestone(ctx context.Context, call Call, cmd RemoveMilestone) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RemoveMilestone(cmd.GoalID, cmd.MilestoneID)
		})
}

// AchieveGoal records that a goal was achieved on a day (today if On is
// empty); its milestones are no longer overdue, nor changed.
type AchieveGoal struct {
	PortfolioID string      `json:"portfolio_id"`
	GoalID      string      `json:"goal_id"`
	On          domain.Date `json:"on,omitempty"`
}

func (h *Handler) AchieveGoal(ctx context.Context, call Call, cmd AchieveGoal) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actPlan, nil, cmd, true,
		func(p *domain.Portfolio, now time.Time) ([]domain.Event, error) {
			return p.AchieveGoal(cmd.GoalID, cmd.On, now)
		})
}
