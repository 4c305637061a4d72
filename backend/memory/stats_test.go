package memory

import (
	"strconv"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestInfoErrorstatsLimit: past 128 distinct error codes errorstats stops
// tracking and says so, until CONFIG RESETSTAT, as Redis does.
func TestInfoErrorstatsLimit(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for i := 0; i < 130; i++ {
		e.stats.countError(resp.Error("CODE" + strconv.Itoa(i) + " boom"))
	}
	counts, total := e.stats.errorCounts()
	if len(counts) != 1 || counts["ERRORSTATS_DISABLED"] != 1 || total != 130 {
		t.Errorf("after 130 codes: %v, total %d", counts, total)
	}
	e.mu.Lock()
	e.resetStats()
	e.mu.Unlock()
	e.stats.countError(resp.Error("NEW boom"))
	counts, total = e.stats.errorCounts()
	if len(counts) != 1 || counts["NEW"] != 1 || total != 1 {
		t.Errorf("after RESETSTAT: %v, total %d", counts, total)
	}
}
