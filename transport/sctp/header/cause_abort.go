package header

// OutOfResourceCauseLen is the length of an Out of Resource error cause,
// which has no information (RFC 9260 3.3.10.4).
const OutOfResourceCauseLen = CauseHeaderLen

// OutOfResourceCause is a view of an Out of Resource error cause (RFC 9260
// 3.3.10.4).
type OutOfResourceCause Cause

// Encode writes the cause into c, which must hold OutOfResourceCauseLen
// bytes, and returns that length.
func (c OutOfResourceCause) Encode() int {
	encodeCauseHeader(c, CauseOutOfResource, OutOfResourceCauseLen)
	return OutOfResourceCauseLen
}

// UserInitiatedAbortCause is a view of a User-Initiated Abort error cause
// (RFC 9260 3.3.10.12).
type UserInitiatedAbortCause Cause

// UserInitiatedAbortFields is what UserInitiatedAbortCause.Encode writes.
type UserInitiatedAbortFields struct {
	Reason []byte
}

// UserInitiatedAbortCauseLen returns the cause length for an n-byte reason
// (without padding).
func UserInitiatedAbortCauseLen(n int) int { return CauseHeaderLen + n }

// UpperLayerAbortReason returns the "Upper Layer Abort Reason" field.
func (c UserInitiatedAbortCause) UpperLayerAbortReason() []byte { return causeValue(Cause(c)) }

// Encode writes the cause into c, which must hold
// PaddedLen(UserInitiatedAbortCauseLen(len(f.Reason))) bytes; padding bytes
// are zeroed. It returns the number of bytes written including padding.
func (c UserInitiatedAbortCause) Encode(f *UserInitiatedAbortFields) int {
	return encodeBytesCause(c, CauseUserInitiatedAbort, f.Reason)
}

// ProtocolViolationCause is a view of a Protocol Violation error cause (RFC
// 9260 3.3.10.13).
type ProtocolViolationCause Cause

// ProtocolViolationFields is what ProtocolViolationCause.Encode writes.
type ProtocolViolationFields struct {
	Info []byte
}

// ProtocolViolationCauseLen returns the cause length for n bytes of
// additional information (without padding).
func ProtocolViolationCauseLen(n int) int { return CauseHeaderLen + n }

// AdditionalInformation returns the "Additional Information" field.
func (c ProtocolViolationCause) AdditionalInformation() []byte { return causeValue(Cause(c)) }

// Encode writes the cause into c, which must hold
// PaddedLen(ProtocolViolationCauseLen(len(f.Info))) bytes; padding bytes are
// zeroed. It returns the number of bytes written including padding.
func (c ProtocolViolationCause) Encode(f *ProtocolViolationFields) int {
	return encodeBytesCause(c, CauseProtocolViolation, f.Info)
}
