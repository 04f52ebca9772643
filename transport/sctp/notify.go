package sctp

import (
	"gvisor.dev/gvisor/pkg/waiter"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// Notifications (RFC 6458 6.1): typed events the association reports to
// its reader, in order with the data. Each type is subscribed separately
// (SetEvents, RFC 6458 6.2.1 SCTP_EVENT); all are off by default.

// EventMask selects notification types.
type EventMask uint16

// Notification types.
const (
	EventAssocChange     EventMask = 1 << iota // SCTP_ASSOC_CHANGE
	EventPeerAddrChange                        // SCTP_PEER_ADDR_CHANGE
	EventRemoteError                           // SCTP_REMOTE_ERROR
	EventSendFailed                            // SCTP_SEND_FAILED_EVENT
	EventShutdown                              // SCTP_SHUTDOWN_EVENT
	EventAdaptation                            // SCTP_ADAPTATION_INDICATION
	EventPartialDelivery                       // SCTP_PARTIAL_DELIVERY_EVENT
	EventSenderDry                             // SCTP_SENDER_DRY_EVENT
	EventAll             EventMask = 1<<iota - 1
)

// Notification is one of *AssocChange, *PeerAddrChange, *RemoteError,
// *SendFailed, *ShutdownEvent, *AdaptationIndication,
// *PartialDeliveryEvent and *SenderDry.
type Notification interface {
	// Assoc is the association the notification is about.
	Assoc() AssocID
	// Type is the notification's EventMask bit.
	Type() EventMask
}

// AssocChangeState is what happened to an association (RFC 6458 6.1.1).
type AssocChangeState uint8

// Association changes.
const (
	CommUp       AssocChangeState = iota + 1 // SCTP_COMM_UP
	CommLost                                 // SCTP_COMM_LOST
	Restart                                  // SCTP_RESTART
	ShutdownComp                             // SCTP_SHUTDOWN_COMP
	CantStrAssoc                             // SCTP_CANT_STR_ASSOC
)

var assocChangeNames = [...]string{"", "COMM_UP", "COMM_LOST", "RESTART", "SHUTDOWN_COMP", "CANT_STR_ASSOC"}

func (s AssocChangeState) String() string {
	if int(s) < len(assocChangeNames) && s != 0 {
		return assocChangeNames[s]
	}
	return "AssocChangeState(?)"
}

// AssocChange is SCTP_ASSOC_CHANGE (RFC 6458 6.1.1).
type AssocChange struct {
	ID    AssocID
	State AssocChangeState
	// OutStreams and InStreams are the negotiated stream counts (COMM_UP,
	// RESTART).
	OutStreams, InStreams uint16
	// Cause is the first error cause of the peer's ABORT (COMM_LOST,
	// CANT_STR_ASSOC), 0 for a timeout or a local failure.
	Cause header.CauseCode
	// AbortInfo is that cause's information.
	AbortInfo []byte
}

// PeerAddrChange is SCTP_PEER_ADDR_CHANGE (RFC 6458 6.1.2).
type PeerAddrChange struct {
	ID AssocID
	PathEvent
}

// RemoteError is SCTP_REMOTE_ERROR (RFC 6458 6.1.3): the peer sent an
// ERROR chunk.
type RemoteError struct {
	ID    AssocID
	Cause header.CauseCode
	Info  []byte
}

// SendFailed is SCTP_SEND_FAILED_EVENT (RFC 6458 6.1.11): a message that
// could not be delivered, with its data.
type SendFailed struct {
	ID   AssocID
	Info SendInfo
	Data []byte
	// Sent tells SCTP_DATA_SENT (some of it went on the wire) from
	// SCTP_DATA_UNSENT.
	Sent bool
}

// ShutdownEvent is SCTP_SHUTDOWN_EVENT (RFC 6458 6.1.5): the peer sent a
// SHUTDOWN; no more data will come.
type ShutdownEvent struct{ ID AssocID }

// AdaptationIndication is SCTP_ADAPTATION_INDICATION (RFC 6458 6.1.6): the
// peer's Adaptation Layer Indication (RFC 5061 4.2.6).
type AdaptationIndication struct {
	ID         AssocID
	Indication uint32
}

// PartialDeliveryEvent is SCTP_PARTIAL_DELIVERY_EVENT (RFC 6458 6.1.7): a
// message being delivered in parts will not be completed.
type PartialDeliveryEvent struct {
	ID     AssocID
	Stream uint16
	SSN    uint16
}

// SenderDry is SCTP_SENDER_DRY_EVENT (RFC 6458 6.1.9): nothing is queued
// or unacknowledged.
type SenderDry struct{ ID AssocID }

func (n *AssocChange) Assoc() AssocID          { return n.ID }
func (n *PeerAddrChange) Assoc() AssocID       { return n.ID }
func (n *RemoteError) Assoc() AssocID          { return n.ID }
func (n *SendFailed) Assoc() AssocID           { return n.ID }
func (n *ShutdownEvent) Assoc() AssocID        { return n.ID }
func (n *AdaptationIndication) Assoc() AssocID { return n.ID }
func (n *PartialDeliveryEvent) Assoc() AssocID { return n.ID }
func (n *SenderDry) Assoc() AssocID            { return n.ID }

func (*AssocChange) Type() EventMask          { return EventAssocChange }
func (*PeerAddrChange) Type() EventMask       { return EventPeerAddrChange }
func (*RemoteError) Type() EventMask          { return EventRemoteError }
func (*SendFailed) Type() EventMask           { return EventSendFailed }
func (*ShutdownEvent) Type() EventMask        { return EventShutdown }
func (*AdaptationIndication) Type() EventMask { return EventAdaptation }
func (*PartialDeliveryEvent) Type() EventMask { return EventPartialDelivery }
func (*SenderDry) Type() EventMask            { return EventSenderDry }

// maxNotes bounds the notifications waiting for the reader; past it the
// oldest are dropped (and counted), so that a reader that never reads
// cannot make memory grow.
const maxNotes = 1024

// pendingNote is a notification and its place among the messages: it is
// read after the messages that were ready before it (ulpqueue.enqueued).
type pendingNote struct {
	n     Notification
	stamp uint64
}

// note queues notification n if the user subscribed to its type.
//
// +checklocks:a.mu
func (a *association) note(n Notification) {
	if a.events&n.Type() == 0 {
		return
	}
	x := a.x()
	if len(x.notes) >= maxNotes {
		copy(x.notes, x.notes[1:])
		x.notes = x.notes[:len(x.notes)-1]
		a.stats.NotificationsDropped.Increment()
	}
	x.notes = append(x.notes, pendingNote{n: n, stamp: a.ulp.enqueued})
	a.notify |= waiter.ReadableEvents
}

// nextNote returns the notification due before the next message, if any.
//
// +checklocks:a.mu
func (a *association) nextNote() Notification {
	if !a.noteDue() {
		return nil
	}
	x := a.rare
	n := x.notes[0].n
	x.notes[0] = pendingNote{}
	x.notes = x.notes[1:]
	if len(x.notes) == 0 {
		x.notes = nil
	}
	return n
}

// noteDue reports whether a notification is readable now.
//
// +checklocks:a.mu
func (a *association) noteDue() bool {
	notes := a.r().notes
	return len(notes) > 0 && notes[0].stamp <= a.ulp.dequeued
}

// noteAbortOrLost reports the end of an association that did not shut
// down gracefully: COMM_LOST, or CANT_STR_ASSOC before it was up; any
// message under partial delivery will not complete; and the messages not
// delivered are handed back as SEND_FAILED (RFC 6458 6.1.1, 6.1.7, 6.1.11).
//
// +checklocks:a.mu
func (a *association) noteFailure() {
	if a.events == 0 {
		return
	}
	if pd := a.ulp.pd; pd != nil && !pd.complete {
		a.note(&PartialDeliveryEvent{ID: a.id, Stream: pd.sid, SSN: pd.ssn})
	} else if sid, ssn, ok := a.ulp.headFragment(); ok {
		// RFC 6458 6.1.7: the next message of a stream had begun to
		// arrive and now never completes; Linux and FreeBSD report its
		// partial delivery aborted too, though the reader saw none of it.
		a.note(&PartialDeliveryEvent{ID: a.id, Stream: sid, SSN: ssn})
	}
	if a.events&EventSendFailed != 0 {
		for _, m := range a.out.failed {
			a.note(&SendFailed{ID: a.id, Info: m.Info, Data: m.Data, Sent: m.Sent})
		}
	}
	st := CommLost
	if !a.connected {
		st = CantStrAssoc
	}
	n := &AssocChange{ID: a.id, State: st}
	if a.hasAbort {
		n.Cause, n.AbortInfo = a.abortCause, a.r().abortInfo
	}
	a.note(n)
}
