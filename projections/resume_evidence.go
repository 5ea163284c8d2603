package projections

import "context"

// PortfolioItemsWithEvidence is PortfolioItems with each item's evidence
// (and its comments and attestations): what a LEAP2A export carries.
func (q *Queries) PortfolioItemsWithEvidence(ctx context.Context, id string) (PortfolioItems, error) {
	return q.portfolioItems(ctx, id, true)
}
