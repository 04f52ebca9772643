package sctp

// State is an association's state (RFC 9260 4, Figure 3).
type State uint8

// The eight states of RFC 9260 4. StateClosed is also the state in which
// packets that match no association (out of the blue, INIT, COOKIE ECHO) are
// run through the state table.
const (
	StateClosed State = iota
	StateCookieWait
	StateCookieEchoed
	StateEstablished
	StateShutdownPending
	StateShutdownSent
	StateShutdownReceived
	StateShutdownAckSent
	numStates
)

var stateNames = [numStates]string{
	"CLOSED", "COOKIE-WAIT", "COOKIE-ECHOED", "ESTABLISHED",
	"SHUTDOWN-PENDING", "SHUTDOWN-SENT", "SHUTDOWN-RECEIVED", "SHUTDOWN-ACK-SENT",
}

// String returns the RFC's name of the state.
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return "STATE(?)"
}

// shuttingDown reports whether the state is one of the four shutdown states,
// in which new user data is refused (RFC 9260 9.2).
func (s State) shuttingDown() bool { return s >= StateShutdownPending }

// established reports whether user data may flow (ESTABLISHED or a shutdown
// state still draining).
func (s State) established() bool { return s >= StateEstablished }
