package header_test

import (
	"testing"

	"github.com/netstack-sctp/sctp/transport/sctp/header"
)

// goldenCases returns the packets of TestGoldenTshark: every chunk of RFC
// 9260 and of the extensions this package lays out, built with the
// package's own encoders.
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	var cs []goldenCase
	cs = append(cs, goldenCore(t)...)
	cs = append(cs, goldenErrors(t)...)
	cs = append(cs, goldenExtensions(t)...)
	return cs
}

// goldenCore returns the chunks of RFC 9260 3.3 but ERROR.
func goldenCore(t *testing.T) []goldenCase {
	payload := []byte("golden DATA payload") // 19 bytes: padded
	data := header.DataFields{
		Flags: header.DataFlagImmediate | header.DataFlagBeginning | header.DataFlagEnd,
		TSN:   0x10000001, StreamID: 3, SSN: 7, PPID: 0xFFFF0001, Payload: payload,
	}

	// INIT with every parameter RFC 9260 3.3.2 lists; the last one (three
	// address types) is padded, which the chunk length leaves out (3.2).
	initParams := concat(
		enc(func(b []byte) int { return header.EncodeAddressParam(b, goldenSrc4) }),
		enc(func(b []byte) int { return header.EncodeAddressParam(b, goldenSrc6) }),
		enc(func(b []byte) int {
			return header.CookiePreservativeParam(b).Encode(&header.CookiePreservativeFields{LifeSpanIncrement: 1500})
		}),
		enc(func(b []byte) int {
			return header.HostNameAddressParam(b).Encode(&header.HostNameAddressFields{HostName: []byte("host.example")})
		}),
		enc(func(b []byte) int {
			return header.SupportedAddressTypesParam(b).Encode(&header.SupportedAddressTypesFields{
				Types: []header.ParamType{header.ParamIPv4Address, header.ParamIPv6Address, header.ParamHostNameAddress},
			})
		}),
	)
	init := header.InitFields{
		InitiateTag: 0xA1B2C3D4, ARwnd: 65536, OutboundStreams: 10, InboundStreams: 2048,
		InitialTSN: 0x10000000, Params: initParams,
	}

	// INIT ACK with a State Cookie (odd length) and an Unrecognized
	// Parameter reporting an unknown parameter of the INIT (RFC 9260
	// 3.3.3.1). The wrapped parameter (length 9) is copied with its
	// padding, so that it is a whole parameter of 12 bytes (RFC 9260 3.2.1:
	// "The total length of a parameter ... MUST be a multiple of 4 bytes").
	// Wrapped without its padding as the last parameter of the chunk,
	// whose padding the Chunk Length leaves out, tshark 4.0 flags it:
	// "Parameter length is not padded to a multiple of 4 bytes".
	cookie := []byte("golden state cookie, 37 bytes long...")
	unknown := enc(func(b []byte) int {
		return header.Param(b).Encode(&header.ParamFields{Type: 0xC0FE, Value: []byte{1, 2, 3, 4, 5}})
	})
	initAck := header.InitFields{
		Ack: true, InitiateTag: 0x01020304, ARwnd: 131072, OutboundStreams: 2048, InboundStreams: 10,
		InitialTSN: 0x20000000,
		Params: concat(
			enc(func(b []byte) int {
				return header.StateCookieParam(b).Encode(&header.StateCookieFields{Cookie: cookie})
			}),
			enc(func(b []byte) int {
				return header.UnrecognizedParameterParam(b).Encode(&header.UnrecognizedParameterFields{Param: unknown})
			}),
		),
	}

	sack := header.SackFields{
		CumTSNAck: 0x10000001, ARwnd: 60000,
		GapAckBlocks:  []header.GapAckBlock{{Start: 2, End: 3}, {Start: 5, End: 9}},
		DuplicateTSNs: []uint32{0x10000001, 0x0FFFFFFF},
	}
	hbInfo := []byte("heartbeat info 19 b")

	userAbort := enc(func(b []byte) int {
		return header.UserInitiatedAbortCause(b).Encode(&header.UserInitiatedAbortFields{Reason: []byte("bye")})
	})
	violation := enc(func(b []byte) int {
		return header.ProtocolViolationCause(b).Encode(&header.ProtocolViolationFields{Info: []byte("bad TSN")})
	})

	return []goldenCase{{
		name: "DATA", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int { return header.DataChunk(b).Encode(&data) })},
		want: map[string][]string{
			"sctp.data_tsn_raw":          us(uint64(data.TSN)),
			"sctp.data_sid":              {hex16(data.StreamID)},
			"sctp.data_ssn":              us(uint64(data.SSN)),
			"sctp.data_payload_proto_id": us(uint64(data.PPID)),
			"sctp.data_i_bit":            {"1"},
			"sctp.data_u_bit":            {"0"},
			"sctp.data_b_bit":            {"1"},
			"sctp.data_e_bit":            {"1"},
			"data.data":                  {hexBytes(payload)},
		},
	}, {
		name: "INIT", vtag: 0,
		chunks: [][]byte{enc(func(b []byte) int { return header.InitChunk(b).Encode(&init) })},
		want: map[string][]string{
			"sctp.init_initiate_tag":                  {hex32(init.InitiateTag)},
			"sctp.init_credit":                        us(uint64(init.ARwnd)),
			"sctp.init_nr_out_streams":                us(uint64(init.OutboundStreams)),
			"sctp.init_nr_in_streams":                 us(uint64(init.InboundStreams)),
			"sctp.init_initial_tsn":                   us(uint64(init.InitialTSN)),
			"sctp.parameter_type":                     {hex16(5), hex16(6), hex16(9), hex16(11), hex16(12)},
			"sctp.parameter_length":                   us(8, 20, 8, 17, 10),
			"sctp.parameter_ipv4_address":             {goldenSrc4.String()},
			"sctp.parameter_ipv6_address":             {goldenSrc6.String()},
			"sctp.parameter_cookie_preservative_incr": {"1500"},
			"sctp.parameter_hostname":                 {"host.example"},
			"sctp.parameter_supported_address_type":   us(5, 6, 11),
		},
	}, {
		name: "INIT_ACK", vtag: init.InitiateTag,
		chunks: [][]byte{enc(func(b []byte) int { return header.InitChunk(b).Encode(&initAck) })},
		want: map[string][]string{
			"sctp.initack_initiate_tag":   {hex32(initAck.InitiateTag)},
			"sctp.initack_credit":         us(uint64(initAck.ARwnd)),
			"sctp.initack_nr_out_streams": us(uint64(initAck.OutboundStreams)),
			"sctp.initack_nr_in_streams":  us(uint64(initAck.InboundStreams)),
			"sctp.initack_initial_tsn":    us(uint64(initAck.InitialTSN)),
			"sctp.parameter_type":         {hex16(7), hex16(8), hex16(0xC0FE)},
			"sctp.parameter_length":       us(41, 16, 9),
			"sctp.parameter_state_cookie": {hexBytes(cookie)},
		},
	}, {
		name: "SACK", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int { return header.SackChunk(b).Encode(&sack) })},
		want: map[string][]string{
			"sctp.sack_cumulative_tsn_ack_raw":    us(uint64(sack.CumTSNAck)),
			"sctp.sack_a_rwnd":                    us(uint64(sack.ARwnd)),
			"sctp.sack_number_of_gap_blocks":      {"2"},
			"sctp.sack_gap_block_start":           us(2, 5),
			"sctp.sack_gap_block_end":             us(3, 9),
			"sctp.sack_number_of_duplicated_tsns": {"2"},
			"sctp.sack_duplicate_tsn":             us(0x10000001, 0x0FFFFFFF),
		},
	}, {
		name: "HEARTBEAT", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int { return header.HeartbeatChunk(b).Encode(&header.HeartbeatFields{Info: hbInfo}) })},
		want: map[string][]string{
			"sctp.parameter_type":                  {hex16(1)},
			"sctp.parameter_heartbeat_information": {hexBytes(hbInfo)},
		},
	}, {
		name: "HEARTBEAT_ACK", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int {
			return header.HeartbeatChunk(b).Encode(&header.HeartbeatFields{Ack: true, Info: hbInfo})
		})},
		want: map[string][]string{
			"sctp.parameter_type":                  {hex16(1)},
			"sctp.parameter_heartbeat_information": {hexBytes(hbInfo)},
		},
	}, {
		name: "ABORT", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int {
			return header.AbortChunk(b).Encode(&header.AbortFields{Causes: concat(userAbort, violation)})
		})},
		want: map[string][]string{
			"sctp.abort_t_bit":  {"0"},
			"sctp.cause_code":   {hex16(12), hex16(13)},
			"sctp.cause_length": us(7, 11),
		},
	}, {
		name: "ABORT_T", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int {
			return header.AbortChunk(b).Encode(&header.AbortFields{TBit: true})
		})},
		want: map[string][]string{"sctp.abort_t_bit": {"1"}},
	}, {
		name: "SHUTDOWN", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int {
			return header.ShutdownChunk(b).Encode(&header.ShutdownFields{CumTSNAck: 0x20000005})
		})},
		want: map[string][]string{"sctp.shutdown_cumulative_tsn_ack": us(0x20000005)},
	}, {
		name: "SHUTDOWN_ACK", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int { return header.ShutdownAckChunk(b).Encode() })},
	}, {
		name: "COOKIE_ECHO", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int { return header.CookieEchoChunk(b).Encode(&header.CookieEchoFields{Cookie: cookie}) })},
		want:   map[string][]string{"sctp.cookie": {hexBytes(cookie)}},
	}, {
		name: "COOKIE_ACK", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int { return header.CookieAckChunk(b).Encode() })},
	}, {
		name: "SHUTDOWN_COMPLETE", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int {
			return header.ShutdownCompleteChunk(b).Encode(&header.ShutdownCompleteFields{})
		})},
		want: map[string][]string{"sctp.shutdown_complete_t_bit": {"0"}},
	}, {
		name: "SHUTDOWN_COMPLETE_T", vtag: 0xA1B2C3D4,
		chunks: [][]byte{enc(func(b []byte) int {
			return header.ShutdownCompleteChunk(b).Encode(&header.ShutdownCompleteFields{TBit: true})
		})},
		want: map[string][]string{"sctp.shutdown_complete_t_bit": {"1"}},
	}}
}

// goldenErrors returns an ERROR chunk carrying each of the 13 causes of RFC
// 9260 3.3.10, in the order of their codes.
func goldenErrors(t *testing.T) []goldenCase {
	hostName := enc(func(b []byte) int {
		return header.HostNameAddressParam(b).Encode(&header.HostNameAddressFields{HostName: []byte("gone.example")})
	})
	unknownChunk := enc(func(b []byte) int {
		return header.Chunk(b).Encode(&header.ChunkFields{Type: 0xEE, Flags: 0x01, Value: []byte{9, 8, 7}})
	})
	unknownParam := enc(func(b []byte) int {
		return header.Param(b).Encode(&header.ParamFields{Type: 0x4ABC, Value: []byte{1, 2}})
	})
	causes := concat(
		enc(func(b []byte) int {
			return header.InvalidStreamIdentifierCause(b).Encode(&header.InvalidStreamIdentifierFields{StreamID: 9})
		}),
		enc(func(b []byte) int {
			return header.MissingMandatoryParameterCause(b).Encode(&header.MissingMandatoryParameterFields{
				Types: []header.ParamType{header.ParamStateCookie},
			})
		}),
		enc(func(b []byte) int {
			return header.StaleCookieCause(b).Encode(&header.StaleCookieFields{Staleness: 250000})
		}),
		enc(func(b []byte) int { return header.OutOfResourceCause(b).Encode() }),
		enc(func(b []byte) int {
			return header.UnresolvableAddressCause(b).Encode(&header.UnresolvableAddressFields{Address: hostName[:17]})
		}),
		enc(func(b []byte) int {
			return header.UnrecognizedChunkTypeCause(b).Encode(&header.UnrecognizedChunkTypeFields{Chunk: unknownChunk[:7]})
		}),
		enc(func(b []byte) int { return header.InvalidMandatoryParameterCause(b).Encode() }),
		enc(func(b []byte) int {
			return header.UnrecognizedParametersCause(b).Encode(&header.UnrecognizedParametersFields{Params: unknownParam[:6]})
		}),
		enc(func(b []byte) int { return header.NoUserDataCause(b).Encode(&header.NoUserDataFields{TSN: 0x10000009}) }),
		enc(func(b []byte) int { return header.CookieWhileShuttingDownCause(b).Encode() }),
		enc(func(b []byte) int {
			return header.RestartWithNewAddressesCause(b).Encode(&header.RestartWithNewAddressesFields{
				Addresses: enc(func(b []byte) int { return header.EncodeAddressParam(b, goldenDst4) }),
			})
		}),
		enc(func(b []byte) int {
			return header.UserInitiatedAbortCause(b).Encode(&header.UserInitiatedAbortFields{Reason: []byte("reason")})
		}),
		enc(func(b []byte) int {
			return header.ProtocolViolationCause(b).Encode(&header.ProtocolViolationFields{Info: []byte("violation")})
		}),
	)
	codes := make([]string, 13)
	for i := range codes {
		codes[i] = hex16(uint16(i + 1))
	}
	return []goldenCase{{
		name: "ERROR", vtag: 0x01020304,
		chunks: [][]byte{enc(func(b []byte) int { return header.ErrorChunk(b).Encode(&header.ErrorFields{Causes: causes}) })},
		want: map[string][]string{
			"sctp.cause_code":   codes,
			"sctp.cause_length": us(8, 10, 8, 4, 21, 11, 4, 10, 8, 4, 12, 10, 13),
			// The Unrecognized Chunk Type cause nests the chunk it reports.
			"sctp.chunk_type":                     us(9, 0xEE),
			"sctp.chunk_length":                   us(137, 7),
			"sctp.cause_stream_identifier":        {"9"},
			"sctp.cause_nr_of_missing_parameters": {"1"},
			"sctp.cause_missing_parameter_type":   {hex16(7)},
			"sctp.cause_measure_of_staleness":     {"250000"},
			"sctp.cause_tsn":                      us(0x10000009),
			"sctp.parameter_hostname":             {"gone.example"},
			"sctp.parameter_ipv4_address":         {goldenDst4.String()},
		},
	}}
}
