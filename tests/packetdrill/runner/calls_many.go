package runner

import (
	"sort"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// One-to-many sockets (SOCK_SEQPACKET, RFC 6458 3) on sctp.ManyEndpoint:
// bind and listen on the endpoint, sends with a destination address set an
// association up implicitly (the INIT carries SCTP_INITMSG's or an
// SCTP_INIT cmsg's parameters), every receive names its association,
// sctp_peeloff makes a one-to-one socket of an association, and socket
// options name the association they concern by their assoc_id member
// (SCTP_FUTURE_ASSOC, 0, for the defaults of associations to come).

// assocEP returns the endpoint an option or call with association id v
// concerns: on a one-to-one socket its only association (the id is
// ignored, RFC 6458 7.1.1), on a one-to-many socket the association, or
// the defaults for SCTP_FUTURE_ASSOC (0) and a missing id.
func (r *run) assocEP(s *socket, v script.Value) (*sctp.Endpoint, bool) {
	if s.many == nil {
		return s.ep, true
	}
	switch name(v) {
	case "SCTP_CURRENT_ASSOC", "SCTP_ALL_ASSOC":
		// RFC 6458 7: every current association (and the defaults).
		// Not mapped: the endpoint API has no call that sets an option
		// on every association at once (ids start at 3, so the
		// constants are not ids).
		return nil, false
	}
	id, ok := r.intOf(v)
	if !ok || id == 0 || script.IsWildcard(v) {
		return s.ep, true
	}
	ep, e := s.many.Assoc(sctp.AssocID(id))
	return ep, e == nil
}

// pathOptions are the options about one association's paths and status,
// which on a one-to-many socket name the association.
var pathOptions = map[string]bool{
	"SCTP_STATUS": true, "SCTP_PEER_ADDR_PARAMS": true, "SCTP_GET_PEER_ADDR_INFO": true, "SCTP_PRIMARY_ADDR": true,
}

// forAssoc returns the socket an option call works on: on a one-to-many
// socket, for the path and status options, a view of it whose endpoint is
// the association's.
func (r *run) forAssoc(s *socket, opt string, v script.Value) (*socket, bool) {
	if s.many == nil || !pathOptions[opt] {
		return s, true
	}
	ep, ok := r.assocEP(s, assocIDField(v))
	if !ok {
		return s, false
	}
	view := *s
	view.ep, view.many = ep, nil
	return &view, true
}

// assocIDField is the assoc_id member of an option's struct, whatever its
// prefix.
func assocIDField(v script.Value) script.Value {
	st, _ := v.(*script.Struct)
	if st == nil {
		return script.Wildcard{}
	}
	for _, f := range st.Fields {
		if f.Name == "assoc_id" || len(f.Name) > 9 && f.Name[len(f.Name)-9:] == "_assoc_id" {
			return f.Value
		}
	}
	return script.Wildcard{}
}

// sysPeeloff is sctp_peeloff(sd, assoc_id) (RFC 6458 9.2): a new one-to-one
// socket for the association. On a one-to-one socket there is nothing to
// branch off: EINVAL, as Linux.
func (r *run) sysPeeloff(c *call) (outcome, error) {
	s, ok := r.sock(c.arg(0))
	if !ok {
		return failErrno("EBADF"), nil
	}
	if s.many == nil {
		return failErrno("EINVAL"), nil
	}
	id, _ := r.intOf(c.arg(1))
	ep, wq, e := s.many.Peeloff(sctp.AssocID(id))
	if e != nil {
		return fail(e), nil
	}
	n := &socket{ep: ep, wq: wq, v6: s.v6, dataIO: s.dataIO, oldSendFailed: s.oldSendFailed, recvRcvInfo: s.recvRcvInfo,
		recvNxtInfo: s.recvNxtInfo, useExtRcvInfo: s.useExtRcvInfo}
	return outcome{ret: int64(r.newFD(n))}, nil
}

// connectMany is connect and sctp_connectx on a one-to-many socket (RFC
// 6458 3.1.5): an association set up as a send without data would.
func (r *run) connectMany(c *call, s *socket, to []tcpip.FullAddress) (outcome, error) {
	if c.retry {
		id := r.manyAssocTo(s, to)
		ep, e := s.many.Assoc(id)
		if e != nil {
			return failErrno("ECONNREFUSED"), nil
		}
		return r.connectDone(&socket{ep: ep})
	}
	if r.manyAssocTo(s, to) != 0 {
		return failErrno("EISCONN"), nil
	}
	r.ports.remote = to[0].Port
	r.newAssociation()
	if _, e := s.many.SendMsg(newPayload(0), to, sctp.SendInfo{}); e != nil {
		return fail(e), nil
	}
	if s.nonblock {
		return failErrno("EINPROGRESS"), nil
	}
	return outcome{}, errBlocked
}

// assocIDs answers SCTP_GET_ASSOC_NUMBER and SCTP_GET_ASSOC_ID_LIST.
func (r *run) assocIDs(s *socket, opt string) (any, bool) {
	if s.many == nil {
		return nil, false // one-to-many only (RFC 6458 SCTP_GET_ASSOC_NUMBER, SCTP_GET_ASSOC_ID_LIST)
	}
	ids := s.many.AssocIDs()
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if opt == "SCTP_GET_ASSOC_NUMBER" {
		return int64(len(ids)), true
	}
	l := make([]any, len(ids))
	for i, id := range ids {
		l[i] = int64(id)
	}
	return outStruct{"gaids_number_of_ids": int64(len(ids)), "gaids_assoc_id": l}, true
}

// sendMany sends on a one-to-many socket: to the association named by the
// info's assoc_id, else to the destination address (setting an
// association up if there is none, RFC 6458 3.1.4), or to all with
// SCTP_SENDALL.
func (r *run) sendMany(s *socket, p sendParams) (outcome, error) {
	if p.info.AssocID == 0 && !p.info.SendAll && len(p.to) == 0 {
		a, _ := r.sockaddr(script.Wildcard{}, false, s.v6)
		p.to = []tcpip.FullAddress{a}
	}
	if p.info.AssocID == 0 && !p.info.SendAll && r.manyAssocTo(s, p.to) == 0 {
		// A new association: its numbering starts with its INIT.
		r.ports.remote = p.to[0].Port
		r.newAssociation()
		if p.initmsg != nil {
			old := r.initmsgOf(s)
			m := p.initmsg
			if e := s.ep.SetInitMsg(uint16(m.out), uint16(m.maxIn), int(m.attempts), msDur(m.timeoMs)); e != nil {
				return fail(e), nil
			}
			defer s.ep.SetInitMsg(uint16(old.out), uint16(old.maxIn), int(old.attempts), msDur(old.timeoMs))
		}
	}
	if p.addrOver && len(p.to) > 0 {
		p.info.Addr = p.to[0].Addr
	}
	n, e := s.many.SendMsg(newPayload(p.n), p.to, p.info)
	if _, would := e.(*tcpip.ErrWouldBlock); would && !s.nonblock {
		return outcome{}, errBlocked
	}
	if e != nil {
		return fail(e), nil
	}
	return outcome{ret: n}, nil
}

// manyAssocTo returns the association of a one-to-many socket with a peer
// address among to, or 0.
func (r *run) manyAssocTo(s *socket, to []tcpip.FullAddress) sctp.AssocID {
	for _, id := range s.many.AssocIDs() {
		ep, e := s.many.Assoc(id)
		if e != nil {
			continue
		}
		paths, e := ep.Paths()
		if e != nil {
			continue
		}
		for _, pa := range paths {
			for _, t := range to {
				if pa.Addr.Addr == t.Addr && pa.Addr.Port == t.Port {
					return id
				}
			}
		}
	}
	return 0
}

func msDur(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
