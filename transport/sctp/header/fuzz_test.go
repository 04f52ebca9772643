package header

import (
	"encoding/hex"
	"testing"
)

// Fuzz targets for parsing: no input makes ValidatePacket, the iterators
// or the validators panic, and every accessor of every chunk, parameter
// and error cause they accept stays in range. The seeds run with go test;
// to fuzz, for example:
//
//	go test -run '^$' -fuzz '^FuzzValidatePacket$' -fuzztime 5m ./transport/sctp/header/

// sink keeps the accessors' results alive.
var sink uint64

func use[T ~[]byte](b T) { sink += uint64(len(b)) }

// touchChunk calls every accessor of a chunk that ValidateChunk accepted.
func touchChunk(t *testing.T, c Chunk) {
	sink += uint64(c.Type()) + uint64(c.Flags()) + uint64(c.Length())
	use(c.Value())
	switch c.Type() {
	case ChunkData:
		d := DataChunk(c)
		sink += uint64(d.TSN()) + uint64(d.StreamIdentifier()) + uint64(d.StreamSequenceNumber()) + uint64(d.PayloadProtocolIdentifier())
		use(d.UserData())
		_, _, _, _ = d.Unordered(), d.Beginning(), d.End(), d.Immediate()
	case ChunkInit, ChunkInitAck:
		i := InitChunk(c)
		sink += uint64(i.InitiateTag()) + uint64(i.AdvertisedReceiverWindowCredit()) + uint64(i.NumberOfOutboundStreams()) +
			uint64(i.NumberOfInboundStreams()) + uint64(i.InitialTSN())
		recognized := RecognizedInInit
		if c.Type() == ChunkInitAck {
			recognized = RecognizedInInitAck
		}
		it := NewInitParamIter(i.Params(), recognized)
		for p, known, ok := it.Next(); ok; p, known, ok = it.Next() {
			if known {
				touchParam(p)
			} else {
				touchAnyParam(p)
			}
		}
		if it.Err() != nil {
			t.Fatalf("ValidateChunk accepted %v whose parameters fail: %v", c.Type(), it.Err())
		}
	case ChunkSack:
		s := SackChunk(c)
		sink += uint64(s.CumulativeTSNAck()) + uint64(s.AdvertisedReceiverWindowCredit())
		for i := range int(s.NumberOfGapAckBlocks()) {
			g := s.GapAckBlock(i)
			sink += uint64(g.Start) + uint64(g.End)
		}
		for i := range int(s.NumberOfDuplicateTSNs()) {
			sink += uint64(s.DuplicateTSN(i))
		}
	case ChunkHeartbeat, ChunkHeartbeatAck:
		p := HeartbeatChunk(c).Info()
		touchAnyParam(Param(p))
		use(p.SenderSpecificInfo())
	case ChunkAbort:
		_ = AbortChunk(c).TBit()
		touchCauses(t, AbortChunk(c).Causes())
	case ChunkError:
		touchCauses(t, ErrorChunk(c).Causes())
	case ChunkShutdown:
		sink += uint64(ShutdownChunk(c).CumulativeTSNAck())
	case ChunkShutdownComplete:
		_ = ShutdownCompleteChunk(c).TBit()
	case ChunkCookieEcho:
		use(CookieEchoChunk(c).Cookie())
	default:
		touchExtChunk(c)
	}
}

func touchCauses(t *testing.T, b []byte) {
	it := NewCauseIter(b)
	for c, ok := it.Next(); ok; c, ok = it.Next() {
		if err := ValidateCause(c); err != nil {
			t.Fatalf("ValidateChunk accepted a cause that ValidateCause rejects: %v", err)
		}
		touchCause(c)
	}
	if it.Err() != nil {
		t.Fatalf("ValidateChunk accepted causes that CauseIter rejects: %v", it.Err())
	}
}

// touchAnyParam calls the accessors every parameter has.
func touchAnyParam(p Param) {
	sink += uint64(p.Type()) + uint64(p.Length()) + uint64(p.Type().UnrecognizedAction())
	use(p.Value())
}

// touchParam calls every accessor of a parameter that ValidateParam
// accepted.
func touchParam(p Param) {
	touchAnyParam(p)
	a, _ := AddressFromParam(p)
	sink += uint64(a.BitLen())
	switch p.Type() {
	case ParamHeartbeatInfo:
		use(HeartbeatInfoParam(p).SenderSpecificInfo())
	case ParamIPv4Address:
		_ = IPv4AddressParam(p).Address()
	case ParamIPv6Address:
		_ = IPv6AddressParam(p).Address()
	case ParamStateCookie:
		use(StateCookieParam(p).Cookie())
	case ParamUnrecognizedParameter:
		touchAnyParam(UnrecognizedParameterParam(p).Param())
	case ParamCookiePreservative:
		sink += uint64(CookiePreservativeParam(p).SuggestedCookieLifeSpanIncrement())
	case ParamHostNameAddress:
		use(HostNameAddressParam(p).HostName())
	case ParamSupportedAddressTypes:
		s := SupportedAddressTypesParam(p)
		for i := range s.NumAddressTypes() {
			sink += uint64(s.AddressType(i))
		}
		_ = s.Supports(ParamIPv6Address)
	default:
		touchExtParam(p)
	}
}

// touchCause calls every accessor of an error cause that ValidateCause
// accepted.
func touchCause(c Cause) {
	sink += uint64(c.Code()) + uint64(c.Length())
	use(c.Info())
	switch c.Code() {
	case CauseInvalidStreamIdentifier:
		sink += uint64(InvalidStreamIdentifierCause(c).StreamIdentifier())
	case CauseMissingMandatoryParameter:
		m := MissingMandatoryParameterCause(c)
		for i := range int(m.NumberOfMissingParams()) {
			sink += uint64(m.MissingParamType(i))
		}
	case CauseStaleCookie:
		sink += uint64(StaleCookieCause(c).MeasureOfStaleness())
	case CauseUnresolvableAddress:
		touchAnyParam(UnresolvableAddressCause(c).UnresolvableAddress())
	case CauseUnrecognizedChunkType:
		u := UnrecognizedChunkTypeCause(c).UnrecognizedChunk()
		sink += uint64(u.Type()) + uint64(u.Flags()) + uint64(u.Length()) + uint64(u.Type().UnrecognizedAction())
		use(u.Value())
	case CauseUnrecognizedParameters:
		touchParamList(UnrecognizedParametersCause(c).Params())
	case CauseNoUserData:
		sink += uint64(NoUserDataCause(c).TSN())
	case CauseRestartWithNewAddresses:
		touchParamList(RestartWithNewAddressesCause(c).NewAddresses())
	case CauseUserInitiatedAbort:
		use(UserInitiatedAbortCause(c).UpperLayerAbortReason())
	case CauseProtocolViolation:
		use(ProtocolViolationCause(c).AdditionalInformation())
	}
}

// touchParamList walks a list of parameters copied from elsewhere, which
// nothing validated beforehand.
func touchParamList(b []byte) {
	it := NewParamIter(b)
	for p, ok := it.Next(); ok; p, ok = it.Next() {
		touchAnyParam(p)
		if ValidateParam(p) == nil {
			a, _ := AddressFromParam(p)
			sink += uint64(a.BitLen())
		}
	}
}

// fuzzSeedPackets returns valid and malformed packets for the seed corpora.
func fuzzSeedPackets() [][]byte {
	seeds := [][]byte{nil, make([]byte, 12), make([]byte, 16)}
	init, _ := hex.DecodeString(wireInitPacket)
	seeds = append(seeds, init)
	data, empty, initc, initAck, cookieAck, shutdownComplete, sack := wireChunks()
	seeds = append(seeds,
		wirePacket(data), wirePacket(empty), wirePacket(initc), wirePacket(initAck),
		wirePacket(cookieAck, sack, data, data), wirePacket(shutdownComplete),
		wirePacket(initc, data), wirePacket(wireRaw(0x7f, 0, []byte{1}), data),
		wirePacket(wireRaw(0xbf, 0, nil), sack), wirePacket([]byte{0, 0, 0, 40}),
	)
	for _, r := range fuzzSeedRoundTrips() {
		seeds = append(seeds, genRoundTrip(r).packet(nil))
	}
	pkt := make([]byte, benchPacketLen)
	buildDataPacket(pkt, 1)
	return append(seeds, pkt)
}

func FuzzValidatePacket(f *testing.F) {
	for _, s := range fuzzSeedPackets() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := ValidatePacket(b)
		if info.End > len(b) || info.End < 0 {
			t.Fatalf("End %d outside the packet of %d bytes", info.End, len(b))
		}
		if err == nil {
			s := SCTP(b)
			sink += uint64(s.SourcePort()) + uint64(s.DestinationPort()) + uint64(s.VerificationTag()) + uint64(s.Checksum())
			_ = s.IsChecksumValid()
			use(s.Chunks())
			n, unknown := 0, 0
			it := info.Iter(b)
			for c, ok := it.Next(); ok; c, ok = it.Next() {
				n++
				if !c.Type().Known() {
					unknown++
				}
				if !info.Types.Has(c.Type()) {
					t.Fatalf("%v missing from Types", c.Type())
				}
				touchChunk(t, c)
			}
			if it.Err() != nil || n != info.NumChunks || n == 0 || unknown != info.Unknown {
				t.Fatalf("iterating gave %d chunks (%d unknown), err %v; info %+v", n, unknown, it.Err(), info)
			}
		}
		// Every chunk ValidateChunk accepts, whatever the packet.
		if len(b) >= SCTPCommonHeaderLen {
			it := NewChunkIter(b[SCTPCommonHeaderLen:])
			for c, ok := it.Next(); ok; c, ok = it.Next() {
				if ValidateChunk(c) == nil {
					touchChunk(t, c)
				}
			}
		}
		// ValidateChunk on any bytes.
		if ValidateChunk(b) == nil {
			touchChunk(t, Chunk(b[:Chunk(b).Length()]))
		}
	})
}

func FuzzParams(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 5, 0, 8, 192, 0, 2, 1, 0, 12, 0, 6, 0, 5, 0, 0})
	f.Add(wireList(wireParam(ParamUnrecognizedParameter, wireParam(0xC001, []byte{1, 2, 3})), wireParam(0x8000, nil)))
	for _, c := range fuzzSeedChunks(ChunkInit, ChunkInitAck) {
		f.Add([]byte(InitChunk(c).Params()))
	}
	all := func(ParamType) bool { return true }
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, recognized := range []func(ParamType) bool{RecognizedInInit, RecognizedInInitAck, all} {
			it := NewInitParamIter(b, recognized)
			for p, known, ok := it.Next(); ok; p, known, ok = it.Next() {
				if known {
					touchParam(p)
				} else {
					touchAnyParam(p)
				}
			}
			_ = it.Stopped()
		}
		it := NewParamIter(b)
		for p, ok := it.Next(); ok; p, ok = it.Next() {
			if ValidateParam(p) == nil {
				touchParam(p)
			}
		}
		if ValidateParam(b) == nil {
			touchParam(Param(b[:Param(b).Length()]))
		}
		_ = encodedListLen(b)
	})
}

func FuzzCauses(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 2, 0, 10, 0, 0, 0, 1, 0, 7})
	f.Add([]byte{0, 6, 0, 8, 0x7f, 0, 0, 4})
	for _, c := range fuzzSeedChunks(ChunkAbort, ChunkError) {
		f.Add(chunkValue(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		it := NewCauseIter(b)
		for c, ok := it.Next(); ok; c, ok = it.Next() {
			if ValidateCause(c) == nil {
				touchCause(c)
			}
		}
		if ValidateCause(b) == nil {
			touchCause(Cause(b[:Cause(b).Length()]))
		}
		if len(b) <= 0xffff-ChunkHeaderLen {
			for _, ty := range []ChunkType{ChunkAbort, ChunkError} {
				c := make([]byte, PaddedLen(ChunkHeaderLen+len(b)))
				Chunk(c).Encode(&ChunkFields{Type: ty, Value: b})
				if ValidateChunk(c) == nil {
					touchChunk(t, c)
				}
			}
		}
	})
}
