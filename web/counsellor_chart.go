package web

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// The dashboard's activity chart: events per week in a beneficiary's
// portfolio over the last weeks, drawn on the server as SVG bars with
// presentation attributes (the Content-Security-Policy allows no style
// attribute), named for assistive technology by its <title> and <desc>,
// with the numbers in a table that only screen readers read.

// activityWeeks is how many weeks the chart shows.
const activityWeeks = 12

const (
	chartBar    = 8  // width of a bar
	chartGap    = 2  // between bars
	chartHeight = 36 // of the drawing
)

// activityChart is one beneficiary's chart.
type activityChart struct {
	ID     string // prefix of the ids its text alternative is referred by
	Weeks  []activityWeek
	Total  int
	Width  int
	Height int
	Title  string // the <title>
	Desc   string // the <desc>: the total and the busiest week
}

// activityWeek is one bar.
type activityWeek struct {
	From       time.Time
	Count      int
	X, Y, W, H int
}

// activity counts the events of portfolio pid in each of the weeks before
// now, from the audit trail (which holds no personal data: nothing is
// opened to count).
func (s *Server) activity(ctx context.Context, pid string, now time.Time) ([]int, error) {
	const week = 7 * 24 * time.Hour
	start := now.Add(-activityWeeks * week)
	counts := make([]int, activityWeeks)
	const page = 1000
	for cursor := int64(0); ; {
		entries, next, err := s.deps.Queries.AuditTrail(ctx, pid, cursor, page)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			at := e.At
			if at.IsZero() {
				at = e.Recorded
			}
			if at.Before(start) {
				continue
			}
			counts[min(int(at.Sub(start)/week), activityWeeks-1)]++
		}
		if len(entries) < page {
			return counts, nil
		}
		cursor = next
	}
}

// drawActivity lays out the bars of counts, the weeks before now, with
// their text alternative in l.
func drawActivity(l Lang, id string, counts []int, now time.Time) activityChart {
	c := activityChart{ID: "chart-" + id, Width: len(counts)*(chartBar+chartGap) - chartGap, Height: chartHeight,
		Title: strings.ReplaceAll(words.T(l, "cns.chart.title"), "{n}", strconv.Itoa(len(counts)))}
	peak, busiest := 0, 0
	for i, n := range counts {
		c.Total += n
		if n > peak {
			peak, busiest = n, i
		}
	}
	start := now.AddDate(0, 0, -7*len(counts))
	for i, n := range counts {
		h := 1 // an empty week shows as a baseline
		if peak > 0 && n > 0 {
			h = max(2, n*(chartHeight-2)/peak)
		}
		c.Weeks = append(c.Weeks, activityWeek{From: start.AddDate(0, 0, 7*i), Count: n, X: i * (chartBar + chartGap), Y: chartHeight - h, W: chartBar, H: h})
	}
	desc := words.T(l, "cns.chart.none")
	if c.Total > 0 {
		desc = strings.NewReplacer("{total}", strconv.Itoa(c.Total), "{week}", c.Weeks[busiest].From.Format("02/01/2006"),
			"{max}", strconv.Itoa(peak)).Replace(words.T(l, "cns.chart.desc"))
	}
	c.Desc = desc
	return c
}
