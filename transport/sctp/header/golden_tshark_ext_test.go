package header_test

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// goldenExtensions returns the chunks and parameters of the extensions:
// RFC 3758, 8260, 6525, 5061, 4895, 4820 and 9653.
func goldenExtensions(t *testing.T) []goldenCase {
	var cs []goldenCase
	cs = append(cs, goldenInitExtensions(t))
	cs = append(cs, goldenPRSCTPAndIData(t)...)
	cs = append(cs, goldenReconfig(t)...)
	cs = append(cs, goldenAsconfAuthPad(t)...)
	return cs
}

// goldenInitExtensions returns an INIT carrying every extension parameter
// of INIT; the last one (Padding) is padded, which the chunk length leaves
// out (RFC 9260 3.2).
func goldenInitExtensions(t *testing.T) goldenCase {
	random := bytes.Repeat([]byte{0x5A}, 32)
	exts := []header.ChunkType{
		header.ChunkForwardTSN, header.ChunkReconfig, header.ChunkAsconf, header.ChunkAsconfAck,
		header.ChunkIData, header.ChunkIForwardTSN, header.ChunkPad,
	}
	params := concat(
		enc(func(b []byte) int { return header.EncodeAddressParam(b, goldenSrc4) }),
		enc(func(b []byte) int { return header.ForwardTSNSupportedParam(b).Encode() }),
		enc(func(b []byte) int {
			return header.SupportedExtensionsParam(b).Encode(&header.SupportedExtensionsFields{ChunkTypes: exts})
		}),
		enc(func(b []byte) int { return header.RandomParam(b).Encode(&header.RandomFields{Random: random}) }),
		enc(func(b []byte) int {
			return header.ChunkListParam(b).Encode(&header.ChunkListFields{
				ChunkTypes: []header.ChunkType{header.ChunkAsconf, header.ChunkAsconfAck, header.ChunkReconfig},
			})
		}),
		enc(func(b []byte) int {
			return header.RequestedHMACAlgorithmParam(b).Encode(&header.RequestedHMACAlgorithmFields{
				HMACIDs: []uint16{header.HMACSHA256, header.HMACSHA1},
			})
		}),
		enc(func(b []byte) int {
			return header.AdaptationLayerIndicationParam(b).Encode(&header.AdaptationLayerIndicationFields{AdaptationCodePoint: 0x01020304})
		}),
		enc(func(b []byte) int {
			return header.ZeroChecksumAcceptableParam(b).Encode(&header.ZeroChecksumAcceptableFields{EDMID: header.EDMIDDTLS})
		}),
		enc(func(b []byte) int { return header.PaddingParam(b).Encode(&header.PaddingFields{PaddingLen: 7}) }),
	)
	init := header.InitFields{
		InitiateTag: 0x0BADCAFE, ARwnd: 1 << 20, OutboundStreams: 100, InboundStreams: 100,
		InitialTSN: 1, Params: params,
	}
	extCodes := make([]string, len(exts))
	for i, e := range exts {
		extCodes[i] = u(uint64(e))
	}
	return goldenCase{
		name: "INIT_extensions", vtag: 0,
		chunks: [][]byte{enc(func(b []byte) int { return header.InitChunk(b).Encode(&init) })},
		want: map[string][]string{
			"sctp.init_initiate_tag": {hex32(init.InitiateTag)},
			"sctp.parameter_type": {
				hex16(0x0005), hex16(0xC000), hex16(0x8008), hex16(0x8002), hex16(0x8003),
				hex16(0x8004), hex16(0xC006), hex16(0x8001), hex16(0x8005),
			},
			"sctp.parameter_length":            us(8, 4, 11, 36, 7, 8, 8, 8, 11),
			"sctp.supported_chunk_type":        extCodes,
			"sctp.random_number":               {hexBytes(random)},
			"sctp.chunk_type_to_auth":          us(193, 128, 130),
			"sctp.hmac_id":                     us(3, 1),
			"sctp.adaptation_layer_indication": {hex32(0x01020304)},
		},
	}
}

// goldenPRSCTPAndIData returns FORWARD TSN (RFC 3758), I-DATA and
// I-FORWARD-TSN (RFC 8260).
func goldenPRSCTPAndIData(t *testing.T) []goldenCase {
	fwd := header.ForwardTSNFields{
		NewCumulativeTSN: 0x10000010,
		Streams:          []header.ForwardTSNStream{{StreamID: 1, SSN: 5}, {StreamID: 2, SSN: 6}},
	}
	whole := header.IDataFields{
		Flags: header.DataFlagImmediate | header.DataFlagUnordered | header.DataFlagBeginning | header.DataFlagEnd,
		TSN:   0x10000020, StreamID: 4, MID: 100, PPID: 0xFFFF0002, Payload: []byte("whole I-DATA msg"),
	}
	middle := header.IDataFields{
		TSN: 0x10000021, StreamID: 5, MID: 0xFFFFFFFF, FSN: 1, Payload: []byte("middle fragment"),
	}
	ifwd := header.IForwardTSNFields{
		NewCumulativeTSN: 0x10000030,
		Streams: []header.IForwardTSNStream{
			{StreamID: 1, MID: 100},
			{StreamID: 2, Unordered: true, MID: 0xFFFFFFFE},
		},
	}
	return []goldenCase{{
		name: "FORWARD_TSN", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int { return header.ForwardTSNChunk(b).Encode(&fwd) })},
		want: map[string][]string{
			"sctp.forward_tsn_tsn": us(uint64(fwd.NewCumulativeTSN)),
			"sctp.forward_tsn_sid": us(1, 2),
			"sctp.forward_tsn_ssn": us(5, 6),
		},
	}, {
		name: "I_DATA", vtag: 0x01020304,
		chunks: [][]byte{
			enc(func(b []byte) int { return header.IDataChunk(b).Encode(&whole) }),
			enc(func(b []byte) int { return header.IDataChunk(b).Encode(&middle) }),
		},
		want: map[string][]string{
			"sctp.data_tsn_raw":          us(uint64(whole.TSN), uint64(middle.TSN)),
			"sctp.data_sid":              {hex16(whole.StreamID), hex16(middle.StreamID)},
			"sctp.data_mid":              us(uint64(whole.MID), uint64(middle.MID)),
			"sctp.data_payload_proto_id": us(uint64(whole.PPID)),
			"sctp.data_fsn":              us(uint64(middle.FSN)),
			"sctp.data_i_bit":            {"1", "0"},
			"sctp.data_u_bit":            {"1", "0"},
			"sctp.data_b_bit":            {"1", "0"},
			"sctp.data_e_bit":            {"1", "0"},
		},
	}, {
		name: "I_FORWARD_TSN", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int { return header.IForwardTSNChunk(b).Encode(&ifwd) })},
		want: map[string][]string{
			"sctp.i_forward_tsn_tsn":   us(uint64(ifwd.NewCumulativeTSN)),
			"sctp.i_forward_tsn_sid":   us(1, 2),
			"sctp.i_forward_tsn_u_bit": {"0", "1"},
			"sctp.forward_tsn_mid":     us(100, 0xFFFFFFFE),
		},
	}}
}

// goldenReconfig returns RE-CONFIG chunks (RFC 6525) with each of the six
// parameters, paired as RFC 6525 3.1 allows.
func goldenReconfig(t *testing.T) []goldenCase {
	reconfig := func(params ...[]byte) [][]byte {
		return [][]byte{enc(func(b []byte) int {
			return header.ReconfigChunk(b).Encode(&header.ReconfigFields{Params: concat(params...)})
		})}
	}
	out := enc(func(b []byte) int {
		return header.OutgoingSSNResetRequestParam(b).Encode(&header.OutgoingSSNResetRequestFields{
			RequestSeq: 0x30000001, ResponseSeq: 0x40000001, SendersLastTSN: 0x10000040, Streams: []uint16{1, 2, 3},
		})
	})
	in := enc(func(b []byte) int {
		return header.IncomingSSNResetRequestParam(b).Encode(&header.IncomingSSNResetRequestFields{
			RequestSeq: 0x30000002, Streams: []uint16{7},
		})
	})
	ssnTSN := enc(func(b []byte) int {
		return header.SSNTSNResetRequestParam(b).Encode(&header.SSNTSNResetRequestFields{RequestSeq: 0x30000003})
	})
	respTSNs := enc(func(b []byte) int {
		return header.ReconfigResponseParam(b).Encode(&header.ReconfigResponseFields{
			ResponseSeq: 0x40000002, Result: header.ReconfigSuccessPerformed,
			HasNextTSNs: true, SendersNextTSN: 0x10000050, ReceiversNextTSN: 0x20000050,
		})
	})
	resp := enc(func(b []byte) int {
		return header.ReconfigResponseParam(b).Encode(&header.ReconfigResponseFields{
			ResponseSeq: 0x40000003, Result: header.ReconfigDenied,
		})
	})
	addOut := enc(func(b []byte) int {
		return header.AddStreamsParam(b).Encode(&header.AddStreamsFields{
			Type: header.ParamAddOutgoingStreams, RequestSeq: 0x30000004, NewStreams: 16,
		})
	})
	addIn := enc(func(b []byte) int {
		return header.AddStreamsParam(b).Encode(&header.AddStreamsFields{
			Type: header.ParamAddIncomingStreams, RequestSeq: 0x30000005, NewStreams: 32,
		})
	})
	return []goldenCase{{
		name: "RE_CONFIG_reset_out_in", vtag: 0x01020304, chunks: reconfig(out, in),
		want: map[string][]string{
			"sctp.parameter_type":                              {hex16(13), hex16(14)},
			"sctp.parameter_length":                            us(22, 10),
			"sctp.parameter_reconfig_request_sequence_number":  us(0x30000001, 0x30000002),
			"sctp.parameter_reconfig_response_sequence_number": us(0x40000001),
			"sctp.parameter_senders_last_assigned_tsn":         us(0x10000040),
			"sctp.parameter_reconfig_sid":                      us(1, 2, 3, 7),
		},
	}, {
		name: "RE_CONFIG_ssn_tsn", vtag: 0x01020304, chunks: reconfig(ssnTSN),
		want: map[string][]string{
			"sctp.parameter_type":                             {hex16(15)},
			"sctp.parameter_reconfig_request_sequence_number": us(0x30000003),
		},
	}, {
		name: "RE_CONFIG_responses", vtag: 0xA1B2C3D4, chunks: reconfig(respTSNs, resp),
		want: map[string][]string{
			"sctp.parameter_type":                              {hex16(16), hex16(16)},
			"sctp.parameter_length":                            us(20, 12),
			"sctp.parameter_reconfig_response_sequence_number": us(0x40000002, 0x40000003),
			"sctp.parameter_reconfig_response_result":          us(1, 2),
			"sctp.parameter_senders_next_tsn":                  us(0x10000050),
			"sctp.parameter_receivers_next_tsn":                us(0x20000050),
		},
	}, {
		name: "RE_CONFIG_add_streams", vtag: 0x01020304, chunks: reconfig(addOut, addIn),
		want: map[string][]string{
			"sctp.parameter_type":                             {hex16(17), hex16(18)},
			"sctp.parameter_reconfig_request_sequence_number": us(0x30000004, 0x30000005),
			"sctp.parameter_add_outgoing_streams_number":      us(16),
			"sctp.parameter_add_incoming_streams_number":      us(32),
		},
	}}
}

// goldenAsconfAuthPad returns an ASCONF behind the AUTH chunk that must
// precede it (RFC 5061 4.1.1, RFC 4895), an ASCONF-ACK, and a HEARTBEAT
// padded with a PAD chunk as for path MTU probing (RFC 4820 3).
func goldenAsconfAuthPad(t *testing.T) []goldenCase {
	other4 := netip.MustParseAddr("198.51.100.7")
	addrParam := func(typ header.ParamType, id uint32, a netip.Addr) []byte {
		return enc(func(b []byte) int {
			return header.AsconfAddressParam(b).Encode(&header.AsconfAddressFields{Type: typ, CorrelationID: id, Address: a})
		})
	}
	del := addrParam(header.ParamDeleteIPAddress, 2, other4)
	setPrimary := addrParam(header.ParamSetPrimaryAddress, 3, goldenSrc6)
	asconf := header.AsconfFields{
		SerialNumber: 0x10000000, Address: goldenSrc4,
		Params: concat(
			addrParam(header.ParamAddIPAddress, 1, goldenSrc6),
			del,
			setPrimary,
		),
	}
	hmac := bytes.Repeat([]byte{0xC3}, 32)
	auth := header.AuthFields{SharedKeyID: 1, HMACID: header.HMACSHA256, HMAC: hmac}

	refused := enc(func(b []byte) int {
		return header.Cause(b).Encode(&header.CauseFields{Code: header.CauseDeleteLastRemainingAddress, Info: del})
	})
	// Both causes carry the ASCONF-Request TLV they refuse (RFC 5061 4.3).
	noAuth := enc(func(b []byte) int {
		return header.Cause(b).Encode(&header.CauseFields{Code: header.CauseRequestRefusedNoAuth, Info: setPrimary})
	})
	ack := header.AsconfAckFields{
		SerialNumber: 0x10000000,
		Params: concat(
			enc(func(b []byte) int {
				return header.SuccessIndicationParam(b).Encode(&header.SuccessIndicationFields{CorrelationID: 1})
			}),
			enc(func(b []byte) int {
				return header.ErrorCauseIndicationParam(b).Encode(&header.ErrorCauseIndicationFields{
					CorrelationID: 2, Causes: concat(refused, noAuth),
				})
			}),
			enc(func(b []byte) int {
				return header.SuccessIndicationParam(b).Encode(&header.SuccessIndicationFields{CorrelationID: 3})
			}),
		),
	}
	hbInfo := []byte("probe")

	return []goldenCase{{
		name: "AUTH_ASCONF", vtag: 0x01020304,
		chunks: [][]byte{
			enc(func(b []byte) int { return header.AuthChunk(b).Encode(&auth) }),
			enc(func(b []byte) int { return header.AsconfChunk(b).Encode(&asconf) }),
		},
		want: map[string][]string{
			"sctp.shared_key_id":        us(1),
			"sctp.hmac_id":              us(3),
			"sctp.hmac":                 {hexBytes(hmac)},
			"sctp.asconf_seq_nr_number": {hex32(0x10000000)},
			"sctp.correlation_id":       hex32s(1, 2, 3),
			"sctp.parameter_type": {
				hex16(5), hex16(0xC001), hex16(6), hex16(0xC002), hex16(5), hex16(0xC004), hex16(6),
			},
			"sctp.parameter_ipv4_address": {goldenSrc4.String(), other4.String()},
			"sctp.parameter_ipv6_address": {goldenSrc6.String(), goldenSrc6.String()},
		},
	}, {
		name: "ASCONF_ACK", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int { return header.AsconfAckChunk(b).Encode(&ack) })},
		want: map[string][]string{
			"sctp.asconf_ack_seq_nr_number": {hex32(0x10000000)},
			"sctp.correlation_id":           hex32s(1, 2, 2, 3, 3),
			"sctp.cause_code":               {hex16(0xA0), hex16(0xA4)},
			"sctp.cause_length":             us(20, 32),
		},
	}, {
		name: "HEARTBEAT_PAD", vtag: 0x01020304,
		chunks: [][]byte{
			enc(func(b []byte) int { return header.HeartbeatChunk(b).Encode(&header.HeartbeatFields{Info: hbInfo}) }),
			enc(func(b []byte) int { return header.PadChunk(b).Encode(&header.PadFields{PaddingLen: 13}) }),
		},
		want: map[string][]string{
			"sctp.parameter_heartbeat_information": {hexBytes(hbInfo)},
			"sctp.padding_data":                    {hexBytes(make([]byte, 13))},
		},
	}}
}
