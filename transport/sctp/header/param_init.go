package header

// RecognizedInInit reports whether t is one of the variable-length
// parameters that RFC 9260 3.3.2 specifies for INIT (ECN Capable, only
// reserved there, is not). It suits NewInitParamIter.
func RecognizedInInit(t ParamType) bool {
	switch t {
	case ParamIPv4Address, ParamIPv6Address, ParamCookiePreservative,
		ParamHostNameAddress, ParamSupportedAddressTypes:
		return true
	}
	return false
}

// RecognizedInInitAck reports whether t is one of the variable-length
// parameters that RFC 9260 3.3.3 specifies for INIT ACK. It suits
// NewInitParamIter.
func RecognizedInInitAck(t ParamType) bool {
	switch t {
	case ParamStateCookie, ParamIPv4Address, ParamIPv6Address,
		ParamUnrecognizedParameter, ParamHostNameAddress:
		return true
	}
	return false
}

// ValidateParam checks the length of a parameter of a type whose layout
// this package knows (RFC 9260's, and the fixed parts of the extensions')
// against that layout, so that the accessors of its view stay in range; p is a parameter as ParamIter returns it (its length
// field is checked against len(p) too). Other types are only checked for
// that.
func ValidateParam(p Param) error {
	if len(p) < ParamHeaderLen {
		return ErrTruncated
	}
	l := int(p.Length())
	if l < ParamHeaderLen {
		return ErrParamTooShort
	}
	if l > len(p) {
		return ErrParamOverrun
	}
	ok := true
	switch p.Type() {
	case ParamIPv4Address:
		ok = l == IPv4AddressParamLen // RFC 9260 3.3.2.1.1
	case ParamIPv6Address:
		ok = l == IPv6AddressParamLen // RFC 9260 3.3.2.1.2
	case ParamCookiePreservative:
		ok = l == CookiePreservativeParamLen // RFC 9260 3.3.2.1.3
	case ParamSupportedAddressTypes:
		ok = (l-ParamHeaderLen)%2 == 0 // RFC 9260 3.3.2.1.5
	case ParamUnrecognizedParameter:
		ok = l >= UnrecognizedParameterParamMinLen // RFC 9260 3.3.3.1.2
	// The extensions' fixed parts.
	case ParamOutgoingSSNResetRequest:
		ok = l >= 16 // RFC 6525 4.1
	case ParamIncomingSSNResetRequest, ParamSSNTSNResetRequest:
		ok = l >= 8 // RFC 6525 4.2, 4.3
	case ParamReconfigResponse, ParamAddOutgoingStreams, ParamAddIncomingStreams:
		ok = l >= 12 // RFC 6525 4.4, 4.5, 4.6
	case ParamZeroChecksumAcceptable:
		ok = l >= 8 // RFC 9653 4
	case ParamAddIPAddress, ParamDeleteIPAddress, ParamErrorCauseIndication,
		ParamSetPrimaryAddress, ParamSuccessIndication, ParamAdaptationLayerInd:
		ok = l >= 8 // RFC 5061 4.2.1-4.2.6: Correlation ID or Adaptation Code Point
	}
	if !ok {
		return ErrParamBadLength
	}
	return nil
}

// InitParamIter walks the parameters of an INIT or INIT ACK chunk (or of
// any chunk whose parameters follow RFC 9260 3.2.1) without allocating,
// and tells which ones the caller does not recognize, so that it can act
// on p.Type().UnrecognizedAction(): report the parameter (in an
// Unrecognized Parameter of the INIT ACK when answering an INIT, in an
// Unrecognized Parameters error cause when answering an INIT ACK; RFC 9260
// 3.2.2) if Report(), and stop if not Skip(). The iterator itself stops
// after an unrecognized parameter whose action is not Skip: "do not
// process any further parameters within this chunk" (RFC 9260 3.2.1).
//
//	it := header.NewInitParamIter(init.Params(), header.RecognizedInInit)
//	for p, known, ok := it.Next(); ok; p, known, ok = it.Next() { ... }
//	if it.Err() != nil { ... }
type InitParamIter struct {
	it         ParamIter
	recognized func(ParamType) bool
	err        error
	stopped    bool
}

// NewInitParamIter returns an iterator over the parameters in params, with
// recognized (not nil) saying which types the caller knows: for example
// RecognizedInInit, or a function of the caller's that adds the
// extensions it supports. A top-level function costs no allocation.
func NewInitParamIter(params []byte, recognized func(ParamType) bool) InitParamIter {
	return InitParamIter{it: NewParamIter(params), recognized: recognized}
}

// Next returns the next parameter and whether its type is recognized. A
// recognized parameter has passed ValidateParam. It returns ok false at
// the end, after an unrecognized parameter whose action stops processing,
// or when a parameter is malformed (Err says which).
func (it *InitParamIter) Next() (p Param, recognized bool, ok bool) {
	if it.err != nil || it.stopped {
		return nil, false, false
	}
	p, ok = it.it.Next()
	if !ok {
		it.err = it.it.Err()
		return nil, false, false
	}
	if !it.recognized(p.Type()) {
		it.stopped = !p.Type().UnrecognizedAction().Skip()
		return p, false, true
	}
	if err := ValidateParam(p); err != nil {
		it.err = err
		return nil, false, false
	}
	return p, true, true
}

// Err returns the reason iteration stopped early on a malformed parameter,
// or nil.
func (it *InitParamIter) Err() error { return it.err }

// Stopped reports whether iteration ended at an unrecognized parameter
// whose action stops processing (RFC 9260 3.2.1, bits 00 and 01).
func (it *InitParamIter) Stopped() bool { return it.stopped }
