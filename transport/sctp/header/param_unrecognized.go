package header

// UnrecognizedParameterParam is a view of an Unrecognized Parameter
// parameter of INIT ACK, which wraps a parameter of the INIT that the
// receiver did not recognize and whose type asked for a report (RFC 9260
// 3.3.3.1.2, 3.2.2).
type UnrecognizedParameterParam Param

// UnrecognizedParameterParamMinLen is the minimum length of an
// Unrecognized Parameter parameter: room for the wrapped parameter's
// header.
const UnrecognizedParameterParamMinLen = ParamHeaderLen + ParamHeaderLen

// UnrecognizedParameterFields is what UnrecognizedParameterParam.Encode
// writes.
type UnrecognizedParameterFields struct {
	// Param is the unrecognized parameter, complete with type and length,
	// as ParamIter returned it (with or without its padding).
	Param Param
}

// UnrecognizedParameterParamLen returns the parameter length of an
// Unrecognized Parameter parameter wrapping a parameter of n bytes.
//
// The wrapped parameter is carried with its padding: RFC 9260 3.2.1 makes
// every parameter's total length a multiple of 4, and decoders (Wireshark)
// flag an unpadded inner parameter as malformed when the Unrecognized
// Parameter is the last one of the chunk, whose padding the chunk length
// leaves out.
func UnrecognizedParameterParamLen(n int) int { return ParamHeaderLen + PaddedLen(n) }

// Param returns the "Unrecognized Parameter" field: the wrapped parameter,
// cut to its own length field when that is plausible (so that its padding
// is left out, as ParamIter leaves it out), otherwise as the peer copied it.
func (p UnrecognizedParameterParam) Param() Param {
	v := Param(paramValue(Param(p)))
	if len(v) >= ParamHeaderLen {
		if l := int(v.Length()); l >= ParamHeaderLen && l <= len(v) {
			return v[:l:l]
		}
	}
	return v
}

// Encode writes the parameter into p, which must hold
// PaddedLen(UnrecognizedParameterParamLen(len(f.Param))) bytes; padding
// bytes are zeroed. It returns the number of bytes written including
// padding.
func (p UnrecognizedParameterParam) Encode(f *UnrecognizedParameterFields) int {
	n := len(f.Param)
	if len(f.Param) >= ParamHeaderLen {
		n = int(f.Param.Length()) // drop any padding the caller passed
		if n > len(f.Param) {
			n = len(f.Param)
		}
	}
	l := UnrecognizedParameterParamLen(n)
	encodeParamHeader(p, ParamUnrecognizedParameter, l)
	copy(p[ParamHeaderLen:], f.Param[:n])
	zeroPad(p[ParamHeaderLen+n:], n)
	return l
}
