package sctp

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateStateTable = flag.Bool("update-statetable", false, "rewrite STATETABLE.md")

func TestStateTableComplete(t *testing.T) {
	for ev := eventType(0); ev < numEventTypes; ev++ {
		for s := State(0); s < numStates; s++ {
			require.NotNil(t, stateTable[ev][s], "empty cell (%v, %v)", ev, s)
		}
	}
}

func TestStateTableFile(t *testing.T) {
	want := stateTableMarkdown()
	if *updateStateTable {
		require.NoError(t, os.WriteFile("STATETABLE.md", []byte(want), 0o644))
	}
	got, err := os.ReadFile("STATETABLE.md")
	require.NoError(t, err)
	require.Equal(t, want, string(got), "STATETABLE.md is stale: run go generate ./transport/sctp")
}
