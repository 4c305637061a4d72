package memory_test

import (
	"testing"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/backendtest"
	"github.com/rk-redis/rk/backend/memory"
)

// TestConformance runs the backend conformance suite against the engine.
func TestConformance(t *testing.T) {
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		e, err := memory.New(memory.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	})
}
