package resume

import (
	"fmt"
	"strconv"
	"strings"
)

var months = [2][12]string{
	{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// month writes an ISO 8601 date (YYYY-MM-DD, YYYY-MM, YYYY) as a month
// and year in l; what it cannot read it leaves as it is.
func (l Lang) month(d string) string {
	y, rest, _ := strings.Cut(d, "-")
	m, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(m)
	if err != nil || n < 1 || n > 12 {
		return d
	}
	i := 0
	if l == English {
		i = 1
	}
	return months[i][n-1] + " " + y
}

// period writes from–to; an open end reads "since from".
func (l Lang) period(from, to string) string {
	switch {
	case from == "" && to == "":
		return ""
	case to == "":
		return fmt.Sprintf(l.word("since"), l.month(from))
	case from == "":
		return l.month(to)
	}
	return l.month(from) + " – " + l.month(to)
}
