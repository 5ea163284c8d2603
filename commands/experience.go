package commands

import (
	"context"
	"time"

	"github.com/parcours/parcours/domain"
)

// AddExperience records an experience in the owner's portfolio.
type AddExperience struct {
	PortfolioID  string `json:"portfolio_id"`
	ExperienceID string `json:"experience_id,omitempty"`
	domain.ExperienceInput
}

func (h *Handler) AddExperience(ctx context.Context, call Call, cmd AddExperience) (Result, error) {
	if cmd.ExperienceID == "" {
		cmd.ExperienceID = h.newID(call, "x-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.AddExperience(cmd.ExperienceID, cmd.ExperienceInput)
		})
	res.ID = cmd.ExperienceID
	return res, err
}

// EditExperience replaces every field of an experience.
type EditExperience struct {
	PortfolioID  string `json:"portfolio_id"`
	ExperienceID string `json:"experience_id"`
	domain.ExperienceInput
}

func (h *Handler) EditExperience(ctx context.Context, call Call, cmd EditExperience) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.EditExperience(cmd.ExperienceID, cmd.ExperienceInput)
		})
}

// RemoveExperience hides an experience; its history stays.
type RemoveExperience struct {
	PortfolioID  string `json:"portfolio_id"`
	ExperienceID string `json:"experience_id"`
}

func (h *Handler) RemoveExperience(ctx context.Context, call Call, cmd RemoveExperience) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RemoveExperience(cmd.ExperienceID)
		})
}

// AddTask records a task carried out within an experience.
type AddTask struct {
	PortfolioID  string          `json:"portfolio_id"`
	ExperienceID string          `json:"experience_id"`
	TaskID       string          `json:"task_id,omitempty"`
	Text         domain.TaskText `json:"text"`
}

func (h *Handler) AddTask(ctx context.Context, call Call, cmd AddTask) (Result, error) {
	if cmd.TaskID == "" {
		cmd.TaskID = h.newID(call, "t-", 0)
	}
	res, err := h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.AddTask(cmd.ExperienceID, cmd.TaskID, cmd.Text)
		})
	res.ID = cmd.TaskID
	return res, err
}

// EditTask replaces a task's text.
type EditTask struct {
	PortfolioID  string          `json:"portfolio_id"`
	ExperienceID string          `json:"experience_id"`
	TaskID       string          `json:"task_id"`
	Text         domain.TaskText `json:"text"`
}

func (h *Handler) EditTask(ctx context.Context, call Call, cmd EditTask) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, false,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.EditTask(cmd.ExperienceID, cmd.TaskID, cmd.Text)
		})
}

// RemoveTask hides a task.
type RemoveTask struct {
	PortfolioID  string `json:"portfolio_id"`
	ExperienceID string `json:"experience_id"`
	TaskID       string `json:"task_id"`
}

func (h *Handler) RemoveTask(ctx context.Context, call Call, cmd RemoveTask) (Result, error) {
	return h.portfolioUpdate(ctx, call, cmd.PortfolioID, actWriteContent, nil, cmd, true,
		func(p *domain.Portfolio, _ time.Time) ([]domain.Event, error) {
			return p.RemoveTask(cmd.ExperienceID, cmd.TaskID)
		})
}
