package frameworks_test

import "time"

var testNow = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
