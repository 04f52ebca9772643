package adapter

import (
	"io"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/netstack-sctp/sctp/transport/sctp/sctptest"
)

// newSimEnv runs the network on the simulated clock, moved by sctptest's
// auto-advance as fast as the machine allows: the application's blocking
// calls then see protocol timers fire without waiting for them in real
// time. (Deadlines stay on the wall clock.)
func newSimEnv(t *testing.T) *env {
	t.Helper()
	e := newEnvWith(t, sctptest.Options{})
	e.net.StartAutoAdvance(10*time.Millisecond, 0)
	return e
}

func TestSimulatedClockEcho(t *testing.T) {
	e := newSimEnv(t)
	client, server := e.pair(t, nil, nil)

	_, err := client.WriteMsg([]byte("ping"), &SendInfo{Stream: 2, PPID: 9})
	require.NoError(t, err)
	m, info := readMsg(t, server, 16)
	assert.Equal(t, "ping", string(m))
	assert.Equal(t, uint16(2), info.Stream)
	_, err = server.Write([]byte("pong"))
	require.NoError(t, err)
	require.NoError(t, server.Close())

	m, _ = readMsg(t, client, 16)
	assert.Equal(t, "pong", string(m))
	_, err = client.Read(make([]byte, 16))
	assert.Equal(t, io.EOF, err)
}

func TestSimulatedClockAssocTimeout(t *testing.T) {
	e := newSimEnv(t)
	e.listen(t, 5000, nil)
	e.link.Cut()

	// With the default Max.Init.Retransmits and RTO back-off the stack
	// gives up after minutes of network time, which auto-advance runs
	// through in a moment.
	start := time.Now()
	_, err := Dial(e.client, e.serverAddr(5000))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrAssocTimeout)
	assert.NotErrorIs(t, err, os.ErrDeadlineExceeded)
	assert.Greater(t, e.net.Elapsed(), time.Minute)
	assert.Less(t, time.Since(start), testTimeout)
}

func TestSimulatedClockAssocFailure(t *testing.T) {
	e := newSimEnv(t)
	client, _ := e.pair(t, nil, nil)
	e.link.Cut()

	// Unacknowledged data is retransmitted until Association.Max.Retrans
	// is exceeded; the blocked Read then reports the failure.
	_, err := client.Write([]byte("into the void"))
	require.NoError(t, err)
	_, err = client.Read(make([]byte, 16))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrAssocTimeout)
	assert.NotErrorIs(t, err, os.ErrDeadlineExceeded)
	_, err = client.Write([]byte("x"))
	assert.ErrorIs(t, err, ErrAssocTimeout)
}
