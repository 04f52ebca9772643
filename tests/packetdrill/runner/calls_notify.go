package runner

import (
	"encoding/binary"

	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/tests/packetdrill/script"
	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Notifications (RFC 6458 6): the subscription options SCTP_EVENT and
// SCTP_EVENTS map onto Endpoint.SetEvents, and a receive call that finds a
// notification (Endpoint.RecvMsg, ManyEndpoint.RecvMsg) renders it as the
// platform's sctp_notification union, which the script's iov_base struct
// literal is compared with member by member; the call returns its length
// with MSG_NOTIFICATION (and MSG_EOR when it fitted).

// eventTypes maps se_type names to the stack's event bits. The two
// send-failure events differ in layout only: sockets remember which one
// was asked for (socket.oldSendFailed).
var eventTypes = map[string]sctp.EventMask{
	"SCTP_ASSOC_CHANGE":           sctp.EventAssocChange,
	"SCTP_PEER_ADDR_CHANGE":       sctp.EventPeerAddrChange,
	"SCTP_REMOTE_ERROR":           sctp.EventRemoteError,
	"SCTP_SEND_FAILED":            sctp.EventSendFailed,
	"SCTP_SEND_FAILED_EVENT":      sctp.EventSendFailed,
	"SCTP_SHUTDOWN_EVENT":         sctp.EventShutdown,
	"SCTP_ADAPTATION_INDICATION":  sctp.EventAdaptation,
	"SCTP_PARTIAL_DELIVERY_EVENT": sctp.EventPartialDelivery,
	"SCTP_SENDER_DRY_EVENT":       sctp.EventSenderDry,
}

// missingEvents are event types of extensions we do not have: subscribing
// to them makes a script unsupported (turning them off is fine).
var missingEvents = map[string]string{
	"SCTP_AUTHENTICATION_EVENT":        "AUTH (RFC 4895)",
	"SCTP_STREAM_RESET_EVENT":          "RECONFIG (RFC 6525)",
	"SCTP_ASSOC_RESET_EVENT":           "RECONFIG (RFC 6525)",
	"SCTP_STREAM_CHANGE_EVENT":         "RECONFIG (RFC 6525)",
	"SCTP_NOTIFICATIONS_STOPPED_EVENT": "notifications: SCTP_NOTIFICATIONS_STOPPED_EVENT (FreeBSD's notice of a full receive buffer)",
}

// eventsFields are the members of struct sctp_event_subscribe (SCTP_EVENTS,
// RFC 6458 6.2.1's deprecated form) and the events they stand for;
// sctp_data_io_event is the SCTP_SNDRCV ancillary data, the rest events.
var eventsFields = map[string]sctp.EventMask{
	"sctp_association_event":      sctp.EventAssocChange,
	"sctp_address_event":          sctp.EventPeerAddrChange,
	"sctp_send_failure_event":     sctp.EventSendFailed,
	"sctp_peer_error_event":       sctp.EventRemoteError,
	"sctp_shutdown_event":         sctp.EventShutdown,
	"sctp_partial_delivery_event": sctp.EventPartialDelivery,
	"sctp_adaptation_layer_event": sctp.EventAdaptation,
	"sctp_sender_dry_event":       sctp.EventSenderDry,
}

var missingEventsFields = map[string]string{
	"sctp_authentication_event": "AUTH (RFC 4895)",
	"sctp_stream_reset_event":   "RECONFIG (RFC 6525)",
	"sctp_assoc_reset_event":    "RECONFIG (RFC 6525)",
	"sctp_stream_change_event":  "RECONFIG (RFC 6525)",
}

// checkEvents is the static check of SCTP_EVENT and SCTP_EVENTS.
func (r *run) checkEvents(opt string, v script.Value) error {
	s, ok := v.(*script.Struct)
	if !ok {
		return unsupported("notifications: %s with %s", opt, script.FormatValue(v))
	}
	if opt == "SCTP_EVENT" {
		t, _ := field(s, "se_type")
		on, _ := field(s, "se_on")
		tn := name(t)
		if why, ok := missingEvents[tn]; ok {
			if x, ok := r.intOf(on); !ok || x != 0 {
				return unsupported("%s: event %s", why, tn)
			}
			return nil
		}
		if _, ok := eventTypes[tn]; !ok && !script.IsWildcard(t) {
			return unsupported("notifications: event type %s", script.FormatValue(t))
		}
		return nil
	}
	for _, f := range s.Fields {
		if why, ok := missingEventsFields[f.Name]; ok {
			if x, ok := r.intOf(f.Value); !ok || x != 0 {
				return unsupported("%s: SCTP_EVENTS member %s", why, f.Name)
			}
		}
	}
	return nil
}

// setEvents applies SCTP_EVENT or SCTP_EVENTS to an endpoint.
func (r *run) setEvents(s *socket, ep *sctp.Endpoint, opt string, st *script.Struct) tcpip.Error {
	m := ep.Events()
	if opt == "SCTP_EVENT" {
		t, _ := field(st, "se_type")
		on, _ := field(st, "se_on")
		bit, ok := eventTypes[name(t)]
		if !ok {
			return nil // an extension's event turned off
		}
		if x, _ := r.intOf(on); x != 0 {
			m |= bit
		} else {
			m &^= bit
		}
		if bit == sctp.EventSendFailed {
			s.oldSendFailed = name(t) == "SCTP_SEND_FAILED"
		}
	} else {
		m = 0
		for _, f := range st.Fields {
			x, _ := r.intOf(f.Value)
			if f.Name == "sctp_data_io_event" {
				s.dataIO = x != 0
				continue
			}
			if bit, ok := eventsFields[f.Name]; ok && x != 0 {
				m |= bit
			}
		}
		s.oldSendFailed = true // struct sctp_send_failed goes with SCTP_EVENTS
	}
	return ep.SetEvents(m)
}

// getEvents is SCTP_EVENT or SCTP_EVENTS as read.
func (r *run) getEvents(s *socket, ep *sctp.Endpoint, opt string, v script.Value) outStruct {
	m := ep.Events()
	if opt == "SCTP_EVENT" {
		t := name(fieldOr(v, "se_type"))
		return outStruct{"se_assoc_id": int64(0), "se_type": t, "se_on": boolInt(m&eventTypes[t] != 0)}
	}
	out := outStruct{"sctp_data_io_event": boolInt(s.dataIO)}
	for f, bit := range eventsFields {
		out[f] = boolInt(m&bit != 0)
	}
	for f := range missingEventsFields {
		out[f] = int64(0)
	}
	return out
}

// notification renders n as the platform's struct (member names of RFC
// 6458 6.1) and its length in bytes.
func (r *run) notification(s *socket, n sctp.Notification) (outStruct, int64) {
	linux := r.cfg.Platform != "FreeBSD"
	id := int64(n.Assoc())
	switch n := n.(type) {
	case *sctp.AssocChange:
		st := map[sctp.AssocChangeState]string{
			sctp.CommUp: "SCTP_COMM_UP", sctp.CommLost: "SCTP_COMM_LOST", sctp.Restart: "SCTP_RESTART",
			sctp.ShutdownComp: "SCTP_SHUTDOWN_COMP", sctp.CantStrAssoc: "SCTP_CANT_STR_ASSOC",
		}[n.State]
		var info []any
		if (n.State == sctp.CommUp || n.State == sctp.Restart) && !linux {
			// FreeBSD lists the association's features (RFC 6458 6.1.1);
			// of PR, AUTH, ASCONF, MULTIBUF, RE_CONFIG and INTERLEAVING
			// ours has none but the socket layer's multi-buffer support.
			info = []any{"SCTP_ASSOC_SUPPORTS_MULTIBUF"}
		}
		if (n.State == sctp.CommLost || n.State == sctp.CantStrAssoc) && n.Cause != 0 {
			// The peer's ABORT chunk, as both kernels copy it.
			info = bytesAny(abortChunk(n.Cause, n.AbortInfo))
		}
		errCode := int64(n.Cause)
		if n.OutStreams == 0 && n.InStreams == 0 {
			// The API reports the stream counts with COMM_UP and RESTART
			// only; RFC 6458 6.1.1 has them in every ASSOC_CHANGE. The
			// socket remembers them from the association's status.
			if sc, ok := s.streams[n.ID]; ok {
				n.OutStreams, n.InStreams = sc[0], sc[1]
			}
		}
		out := outStruct{
			"sac_type": "SCTP_ASSOC_CHANGE", "sac_flags": int64(0), "sac_state": st, "sac_error": errCode,
			"sac_outbound_streams": int64(n.OutStreams), "sac_inbound_streams": int64(n.InStreams),
			"sac_assoc_id": id, "sac_info": info,
		}
		l := int64(20 + len(info))
		out["sac_length"] = l
		return out, l
	case *sctp.PeerAddrChange:
		st := map[sctp.PathEventType]string{
			sctp.PathAddrAvailable: "SCTP_ADDR_AVAILABLE", sctp.PathAddrUnreachable: "SCTP_ADDR_UNREACHABLE",
			sctp.PathAddrPotentiallyFailed: "SCTP_ADDR_POTENTIALLY_FAILED", sctp.PathAddrConfirmed: "SCTP_ADDR_CONFIRMED",
			sctp.PathAddrMadePrimary: "SCTP_ADDR_MADE_PRIM", sctp.PathAddrAdded: "SCTP_ADDR_ADDED",
		}[n.PathEvent.Type]
		// Linux packs the struct (148 bytes) and reports in spc_error why
		// the state changed (its enum sctp_sn_error: 0 the failure
		// threshold, 2 a heartbeat's success); FreeBSD aligns
		// sockaddr_storage to 8 bytes (152) and reports 0.
		l, spcErr := int64(148), int64(0)
		if !linux {
			l = 152
		} else if n.PathEvent.Type == sctp.PathAddrAvailable || n.PathEvent.Type == sctp.PathAddrConfirmed {
			spcErr = 2
		}
		return outStruct{
			"spc_type": "SCTP_PEER_ADDR_CHANGE", "spc_flags": int64(0), "spc_length": l,
			"spc_aaddr": r.sockaddrOut(n.Addr, s.v6), "spc_state": st, "spc_error": spcErr, "spc_assoc_id": id,
		}, l
	case *sctp.RemoteError:
		var data []byte
		code := int64(n.Cause)
		base := int64(16)
		if linux {
			// Linux: the first cause's information, the code in network
			// byte order (sre_error is __be16).
			data = n.Info
			code = int64(binary.LittleEndian.Uint16(binary.BigEndian.AppendUint16(nil, uint16(n.Cause))))
		} else {
			// FreeBSD: the whole ERROR chunk, after a 20-byte header.
			data = errorChunk(n.Cause, n.Info)
			base = 20
		}
		l := base + int64(len(data))
		return outStruct{
			"sre_type": "SCTP_REMOTE_ERROR", "sre_flags": int64(0), "sre_length": l, "sre_error": code,
			"sre_assoc_id": id, "sre_data": bytesAny(data),
		}, l
	case *sctp.SendFailed:
		flags := "SCTP_DATA_UNSENT"
		if n.Sent {
			flags = "SCTP_DATA_SENT"
		}
		// The flags of the DATA chunk (both kernels): a whole message is
		// B|E, unordered adds U.
		cf := int64(3)
		if n.Info.Unordered {
			cf |= 4
		}
		if s.oldSendFailed {
			// struct sctp_send_failed holds a struct sctp_sndrcvinfo:
			// 32 bytes on Linux, 128 on FreeBSD (with its padding).
			l := int64(48 + len(n.Data))
			if !linux {
				l = 144 + int64(len(n.Data))
			}
			return outStruct{
				"ssf_type": "SCTP_SEND_FAILED", "ssf_flags": flags, "ssf_length": l, "ssf_error": int64(0),
				"ssf_info": outStruct{
					"sinfo_stream": int64(n.Info.Stream), "sinfo_ssn": anyValue{}, "sinfo_flags": cf,
					"sinfo_ppid": int64(n.Info.PPID), "sinfo_context": int64(n.Info.Context), "sinfo_timetolive": n.Info.TTL.Milliseconds(),
					"sinfo_tsn": anyValue{}, "sinfo_cumtsn": anyValue{}, "sinfo_assoc_id": id,
				},
				"ssf_assoc_id": id, "ssf_data": bytesAny(n.Data),
			}, l
		}
		l := int64(32 + len(n.Data))
		return outStruct{
			"ssfe_type": "SCTP_SEND_FAILED_EVENT", "ssfe_flags": flags, "ssfe_length": l, "ssfe_error": int64(0),
			"ssfe_info": outStruct{
				"snd_sid": int64(n.Info.Stream), "snd_flags": cf, "snd_ppid": int64(n.Info.PPID),
				"snd_context": int64(n.Info.Context), "snd_assoc_id": id,
			},
			"ssfe_assoc_id": id, "ssfe_data": bytesAny(n.Data),
		}, l
	case *sctp.ShutdownEvent:
		return outStruct{"sse_type": "SCTP_SHUTDOWN_EVENT", "sse_flags": int64(0), "sse_length": int64(12), "sse_assoc_id": id}, 12
	case *sctp.AdaptationIndication:
		return outStruct{
			"sai_type": "SCTP_ADAPTATION_INDICATION", "sai_flags": int64(0), "sai_length": int64(16),
			"sai_adaptation_ind": int64(n.Indication), "sai_assoc_id": id,
		}, 16
	case *sctp.PartialDeliveryEvent:
		return outStruct{
			"pdapi_type": "SCTP_PARTIAL_DELIVERY_EVENT", "pdapi_flags": int64(0), "pdapi_length": int64(24),
			"pdapi_indication": "SCTP_PARTIAL_DELIVERY_ABORTED", "pdapi_stream": int64(n.Stream),
			"pdapi_seq": int64(n.SSN), "pdapi_assoc_id": id,
		}, 24
	case *sctp.SenderDry:
		return outStruct{"sender_dry_type": "SCTP_SENDER_DRY_EVENT", "sender_dry_flags": int64(0), "sender_dry_length": int64(12), "sender_dry_assoc_id": id}, 12
	}
	return outStruct{}, 0
}

// addHeader adds the members of the generic header (struct sn_header, RFC
// 6458 6.1) that every notification starts with.
func addHeader(out outStruct) {
	for _, p := range []string{"sac", "spc", "sre", "ssf", "ssfe", "sse", "sai", "pdapi", "sender_dry"} {
		if t, ok := out[p+"_type"]; ok {
			out["sn_type"], out["sn_flags"], out["sn_length"] = t, out[p+"_flags"], out[p+"_length"]
		}
	}
}

func bytesAny(b []byte) []any {
	out := make([]any, len(b))
	for i, x := range b {
		out[i] = int64(x)
	}
	return out
}

// causeTLV is an error cause with its header and padding.
func causeTLV(code uint16, info []byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, code)
	b = binary.BigEndian.AppendUint16(b, uint16(4+len(info)))
	b = append(b, info...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func chunkWith(typ byte, code uint16, info []byte) []byte {
	c := causeTLV(code, info)
	b := []byte{typ, 0}
	b = binary.BigEndian.AppendUint16(b, uint16(4+4+len(info)))
	return append(b, c...)
}

func errorChunk[T ~uint16](code T, info []byte) []byte { return chunkWith(9, uint16(code), info) }
func abortChunk[T ~uint16](code T, info []byte) []byte { return chunkWith(6, uint16(code), info) }
