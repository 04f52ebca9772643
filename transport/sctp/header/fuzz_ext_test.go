package header

// The fuzz targets' calls to the accessors of the extensions' chunks and
// parameters, whose minimum lengths ValidateChunk and ValidateParam check.

// touchExtChunk calls every accessor of an extension chunk that
// ValidateChunk accepted; other types only have the generic ones.
func touchExtChunk(c Chunk) {
	switch c.Type() {
	case ChunkIData:
		d := IDataChunk(c)
		sink += uint64(d.TSN()) + uint64(d.StreamIdentifier()) + uint64(d.MessageIdentifier()) +
			uint64(d.PayloadProtocolIdentifier()) + uint64(d.FragmentSequenceNumber())
		use(d.UserData())
		_, _, _, _ = d.Immediate(), d.Unordered(), d.Beginning(), d.End()
	case ChunkForwardTSN:
		f := ForwardTSNChunk(c)
		sink += uint64(f.NewCumulativeTSN())
		for i := range f.NumStreams() {
			s := f.Stream(i)
			sink += uint64(s.StreamID) + uint64(s.SSN)
		}
	case ChunkIForwardTSN:
		f := IForwardTSNChunk(c)
		sink += uint64(f.NewCumulativeTSN())
		for i := range f.NumStreams() {
			_ = f.Stream(i)
		}
	case ChunkAuth:
		a := AuthChunk(c)
		sink += uint64(a.SharedKeyIdentifier()) + uint64(a.HMACIdentifier())
		use(a.HMAC())
	case ChunkReconfig:
		touchParamList(ReconfigChunk(c).Params())
	case ChunkAsconf:
		a := AsconfChunk(c)
		sink += uint64(a.SerialNumber())
		if p := a.AddressParam(); p != nil {
			touchAnyParam(p)
		}
		_, _ = a.Address()
		touchParamList(a.Params())
	case ChunkAsconfAck:
		sink += uint64(AsconfAckChunk(c).SerialNumber())
		touchParamList(AsconfAckChunk(c).Params())
	case ChunkPad:
		use(PadChunk(c).PaddingData())
	}
}

// touchExtParam calls every accessor of an extension parameter that
// ValidateParam accepted.
func touchExtParam(p Param) {
	switch p.Type() {
	case ParamOutgoingSSNResetRequest:
		x := OutgoingSSNResetRequestParam(p)
		sink += uint64(x.RequestSequenceNumber()) + uint64(x.ResponseSequenceNumber()) + uint64(x.SendersLastAssignedTSN())
		for i := range x.NumStreams() {
			sink += uint64(x.Stream(i))
		}
	case ParamIncomingSSNResetRequest:
		x := IncomingSSNResetRequestParam(p)
		sink += uint64(x.RequestSequenceNumber())
		for i := range x.NumStreams() {
			sink += uint64(x.Stream(i))
		}
	case ParamSSNTSNResetRequest:
		sink += uint64(SSNTSNResetRequestParam(p).RequestSequenceNumber())
	case ParamReconfigResponse:
		x := ReconfigResponseParam(p)
		sink += uint64(x.ResponseSequenceNumber()) + uint64(x.Result()) + uint64(x.SendersNextTSN()) + uint64(x.ReceiversNextTSN())
		_ = x.HasNextTSNs()
	case ParamAddOutgoingStreams, ParamAddIncomingStreams:
		x := AddStreamsParam(p)
		sink += uint64(x.RequestSequenceNumber()) + uint64(x.NumberOfNewStreams())
	case ParamZeroChecksumAcceptable:
		sink += uint64(ZeroChecksumAcceptableParam(p).ErrorDetectionMethodIdentifier())
	case ParamRandom:
		use(RandomParam(p).RandomNumber())
	case ParamChunkList:
		x := ChunkListParam(p)
		for i := range x.NumChunkTypes() {
			sink += uint64(x.ChunkType(i))
		}
		_ = x.Has(ChunkData)
	case ParamRequestedHMACAlgorithm:
		x := RequestedHMACAlgorithmParam(p)
		for i := range x.NumHMACIdentifiers() {
			sink += uint64(x.HMACIdentifier(i))
		}
	case ParamPadding:
		use(PaddingParam(p).PaddingData())
	case ParamSupportedExtensions:
		x := SupportedExtensionsParam(p)
		for i := range x.NumChunkTypes() {
			sink += uint64(x.ChunkType(i))
		}
		_ = x.Has(ChunkReconfig)
	case ParamAddIPAddress, ParamDeleteIPAddress, ParamSetPrimaryAddress:
		x := AsconfAddressParam(p)
		sink += uint64(x.CorrelationID())
		if a := x.AddressParam(); a != nil {
			touchAnyParam(a)
		}
		_, _ = x.Address()
	case ParamErrorCauseIndication:
		x := ErrorCauseIndicationParam(p)
		sink += uint64(x.CorrelationID())
		it := NewCauseIter(x.Causes())
		for c, ok := it.Next(); ok; c, ok = it.Next() {
			if ValidateCause(c) == nil {
				touchCause(c)
			}
		}
	case ParamSuccessIndication:
		sink += uint64(SuccessIndicationParam(p).CorrelationID())
	case ParamAdaptationLayerInd:
		sink += uint64(AdaptationLayerIndicationParam(p).AdaptationCodePoint())
	}
}
