package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestUndeliveredScanReadsThePendingIndex keeps the undelivered scan
// cheap: SQLite must search the partial index of the messages still only
// sent, not scan (or index anew) every message.
func TestUndeliveredScanReadsThePendingIndex(t *testing.T) {
	t.Parallel()
	s, err := OpenSQLite(context.Background(), t.TempDir()+"/plan.db")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	now := time.Now().UnixMicro()
	sqlite, ok := s.(*sqliteStore)
	if !ok {
		t.Fatalf("OpenSQLite returned a %T", s)
	}
	rows, err := sqlite.db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+sqliteHandOffUndelivered,
		now, "rule", false, now-1000, now)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "SEARCH m USING INDEX messages_pending") {
		t.Errorf("the undelivered scan does not search messages_pending:\n%s", strings.Join(plan, "\n"))
	}
}
