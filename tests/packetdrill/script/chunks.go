package script

import (
	"fmt"
	"strings"
)

// ChunkKind identifies a chunk spec keyword.
type ChunkKind uint8

// Chunk kinds of the nplab grammar. ChunkGeneric is CHUNK[type=..., ...],
// which can describe any chunk (AUTH, ASCONF, ... have no keyword).
const (
	ChunkData ChunkKind = iota
	ChunkInit
	ChunkInitAck
	ChunkSack
	ChunkHeartbeat
	ChunkHeartbeatAck
	ChunkAbort
	ChunkShutdown
	ChunkShutdownAck
	ChunkError
	ChunkCookieEcho
	ChunkCookieAck
	ChunkECNE
	ChunkCWR
	ChunkShutdownComplete
	ChunkNRSack
	ChunkIData
	ChunkPad
	ChunkReconfig
	ChunkForwardTSN
	ChunkIForwardTSN
	ChunkGeneric
)

// ParamKind identifies a parameter spec keyword.
type ParamKind uint8

// Parameter kinds. ParamGeneric is PARAMETER[type=..., len=..., val=...];
// ParamReconfigGeneric is RECONFIG_REQUEST_GENERIC[type=, len=, req_sn=, val=],
// a re-configuration request of any type.
const (
	ParamHeartbeatInfo ParamKind = iota
	ParamIPv4Address
	ParamIPv6Address
	ParamStateCookie
	ParamUnrecognizedParameter
	ParamCookiePreservative
	ParamHostnameAddress
	ParamSupportedAddressTypes
	ParamOutgoingSSNReset
	ParamIncomingSSNReset
	ParamSSNTSNReset
	ParamReconfigResponse
	ParamAddOutgoingStreams
	ParamAddIncomingStreams
	ParamECNCapable
	ParamPad
	ParamSupportedExtensions
	ParamForwardTSNSupported
	ParamAdaptationIndication
	ParamReconfigGeneric
	ParamGeneric
)

// CauseKind identifies an error cause spec keyword.
type CauseKind uint8

// Error cause kinds (RFC 9260 section 3.3.10). CauseGeneric is CAUSE[code=...].
const (
	CauseInvalidStreamIdentifier CauseKind = iota
	CauseMissingMandatoryParameter
	CauseStaleCookieError
	CauseOutOfResource
	CauseUnresolvableAddress
	CauseUnrecognizedChunkType
	CauseInvalidMandatoryParameter
	CauseUnrecognizedParameters
	CauseNoUserData
	CauseCookieReceivedWhileShutdown
	CauseRestartWithNewAddresses
	CauseUserInitiatedAbort
	CauseProtocolViolation
	CauseGeneric
)

// FieldKind is the shape a field's value must have. Every kind also accepts
// the wildcard "...".
type FieldKind uint8

const (
	FieldU8         FieldKind = iota // integer 0..255
	FieldU16                         // integer 0..65535
	FieldU32                         // integer 0..2^32-1
	FieldFlags                       // integer 0..255 or flag letters (DATA: IUBE, ABORT: T)
	FieldChunkType                   // integer 0..255 or a chunk keyword (CHUNK type=)
	FieldBytes                       // [0x01, ...] (elements may be "...")
	FieldGaps                        // [start:end, ...]
	FieldU16List                     // [1, 2, ...]
	FieldU32List                     // [1, 2, ...]
	FieldChunkTypes                  // [RECONFIG, 0xc0, ...]: chunk keywords or integers
	FieldAddrTypes                   // [IPv4, IPv6, HOSTNAME or integers]
	FieldSSNIDs                      // [{sid, ssn}, ...] (FORWARD_TSN)
	FieldMIDIDs                      // [{sid, flags, mid}, ...] (I_FORWARD_TSN)
	FieldText                        // "string" (USER_INITIATED_ABORT, PROTOCOL_VIOLATION)
	FieldAddr                        // address literal, or "hostname" string
	FieldChunk                       // a nested chunk spec
	FieldParam                       // a nested parameter spec
	FieldParams                      // [parameter spec, ...]
)

// addrTypeNames are the words SUPPORTED_ADDRESS_TYPES accepts.
var addrTypeNames = map[string]int{"IPv4": 5, "IPv6": 6, "HOSTNAME": 11}

type fieldSpec struct {
	name string
	kind FieldKind
}

type nesting uint8

const (
	nestNone nesting = iota
	nestParams
	nestCauses
)

// elemSpec describes one keyword: its wire type code and accepted fields.
type elemSpec struct {
	name   string
	alias  string // alternative spelling (I-DATA for I_DATA)
	code   int    // wire type; -1 for generic/raw
	flags  string // flag letters accepted in flgs=, most significant first
	fields []fieldSpec
	nest   nesting
}

var (
	fFlgs  = fieldSpec{"flgs", FieldFlags}
	fLen   = fieldSpec{"len", FieldU16}
	fVal   = fieldSpec{"val", FieldBytes}
	fTSN   = fieldSpec{"tsn", FieldU32}
	fSID   = fieldSpec{"sid", FieldU16}
	fPPID  = fieldSpec{"ppid", FieldU32}
	fCum   = fieldSpec{"cum_tsn", FieldU32}
	fRwnd  = fieldSpec{"a_rwnd", FieldU32}
	fReqSN = fieldSpec{"req_sn", FieldU32}
)

var initFields = []fieldSpec{fFlgs, {"tag", FieldU32}, fRwnd, {"os", FieldU16}, {"is", FieldU16}, fTSN}

// chunkSpecs is indexed by ChunkKind. Field names follow the nplab grammar.
var chunkSpecs = [...]elemSpec{
	ChunkData:             {name: "DATA", code: 0, flags: "IUBE", fields: []fieldSpec{fFlgs, fLen, fTSN, fSID, {"ssn", FieldU16}, fPPID}},
	ChunkInit:             {name: "INIT", code: 1, fields: initFields, nest: nestParams},
	ChunkInitAck:          {name: "INIT_ACK", code: 2, fields: initFields, nest: nestParams},
	ChunkSack:             {name: "SACK", code: 3, fields: []fieldSpec{fFlgs, fCum, fRwnd, {"gaps", FieldGaps}, {"dups", FieldU32List}}},
	ChunkHeartbeat:        {name: "HEARTBEAT", code: 4, fields: []fieldSpec{fFlgs}, nest: nestParams},
	ChunkHeartbeatAck:     {name: "HEARTBEAT_ACK", code: 5, fields: []fieldSpec{fFlgs}, nest: nestParams},
	ChunkAbort:            {name: "ABORT", code: 6, flags: "T", fields: []fieldSpec{fFlgs}, nest: nestCauses},
	ChunkShutdown:         {name: "SHUTDOWN", code: 7, fields: []fieldSpec{fFlgs, fCum}},
	ChunkShutdownAck:      {name: "SHUTDOWN_ACK", code: 8, fields: []fieldSpec{fFlgs}},
	ChunkError:            {name: "ERROR", code: 9, fields: []fieldSpec{fFlgs}, nest: nestCauses},
	ChunkCookieEcho:       {name: "COOKIE_ECHO", code: 10, fields: []fieldSpec{fFlgs, fLen, fVal}},
	ChunkCookieAck:        {name: "COOKIE_ACK", code: 11, fields: []fieldSpec{fFlgs}},
	ChunkECNE:             {name: "ECNE", code: 12, fields: []fieldSpec{fFlgs, fTSN}},
	ChunkCWR:              {name: "CWR", code: 13, fields: []fieldSpec{fFlgs, fTSN}},
	ChunkShutdownComplete: {name: "SHUTDOWN_COMPLETE", code: 14, flags: "T", fields: []fieldSpec{fFlgs}},
	ChunkNRSack:           {name: "NR_SACK", code: 16, fields: []fieldSpec{fFlgs, fCum, fRwnd, {"gaps", FieldGaps}, {"nr_gaps", FieldGaps}, {"dups", FieldU32List}}},
	ChunkIData:            {name: "I_DATA", alias: "I-DATA", code: 64, flags: "IUBE", fields: []fieldSpec{fFlgs, fLen, fTSN, fSID, {"mid", FieldU32}, fPPID, {"fsn", FieldU32}}},
	ChunkPad:              {name: "PAD", code: 132, fields: []fieldSpec{fFlgs, fLen, fVal}},
	ChunkReconfig:         {name: "RECONFIG", code: 130, fields: []fieldSpec{fFlgs}, nest: nestParams},
	ChunkForwardTSN:       {name: "FORWARD_TSN", code: 192, fields: []fieldSpec{fCum, {"ids", FieldSSNIDs}}},
	ChunkIForwardTSN:      {name: "I_FORWARD_TSN", alias: "I-FORWARD-TSN", code: 194, fields: []fieldSpec{fCum, {"ids", FieldMIDIDs}}},
	ChunkGeneric:          {name: "CHUNK", code: -1, fields: []fieldSpec{{"type", FieldChunkType}, fFlgs, fLen, fVal}},
}

// paramSpecs is indexed by ParamKind.
var paramSpecs = [...]elemSpec{
	ParamHeartbeatInfo:         {name: "HEARTBEAT_INFORMATION", code: 1, fields: []fieldSpec{fLen, fVal}},
	ParamIPv4Address:           {name: "IPV4_ADDRESS", code: 5, fields: []fieldSpec{{"addr", FieldAddr}}},
	ParamIPv6Address:           {name: "IPV6_ADDRESS", code: 6, fields: []fieldSpec{{"addr", FieldAddr}}},
	ParamStateCookie:           {name: "STATE_COOKIE", code: 7, fields: []fieldSpec{fLen, fVal}},
	ParamUnrecognizedParameter: {name: "UNRECOGNIZED_PARAMETER", code: 8, fields: []fieldSpec{{"params", FieldParams}}},
	ParamCookiePreservative:    {name: "COOKIE_PRESERVATIVE", code: 9, fields: []fieldSpec{{"incr", FieldU32}}},
	ParamHostnameAddress:       {name: "HOSTNAME_ADDRESS", code: 11, fields: []fieldSpec{{"addr", FieldAddr}}},
	ParamSupportedAddressTypes: {name: "SUPPORTED_ADDRESS_TYPES", code: 12, fields: []fieldSpec{{"types", FieldAddrTypes}}},
	ParamOutgoingSSNReset:      {name: "OUTGOING_SSN_RESET", code: 13, fields: []fieldSpec{fReqSN, {"resp_sn", FieldU32}, {"last_tsn", FieldU32}, {"sids", FieldU16List}}},
	ParamIncomingSSNReset:      {name: "INCOMING_SSN_RESET", code: 14, fields: []fieldSpec{fReqSN, {"sids", FieldU16List}}},
	ParamSSNTSNReset:           {name: "SSN_TSN_RESET", code: 15, fields: []fieldSpec{fReqSN}},
	ParamReconfigResponse:      {name: "RECONFIG_RESPONSE", code: 16, fields: []fieldSpec{{"resp_sn", FieldU32}, {"result", FieldU32}, {"sender_next_tsn", FieldU32}, {"receiver_next_tsn", FieldU32}}},
	ParamAddOutgoingStreams:    {name: "ADD_OUTGOING_STREAMS", code: 17, fields: []fieldSpec{fReqSN, {"number_of_new_streams", FieldU16}}},
	ParamAddIncomingStreams:    {name: "ADD_INCOMING_STREAMS", code: 18, fields: []fieldSpec{fReqSN, {"number_of_new_streams", FieldU16}}},
	ParamECNCapable:            {name: "ECN_CAPABLE", code: 0x8000},
	ParamPad:                   {name: "PAD", code: 0x8005, fields: []fieldSpec{fLen, fVal}},
	ParamSupportedExtensions:   {name: "SUPPORTED_EXTENSIONS", code: 0x8008, fields: []fieldSpec{{"types", FieldChunkTypes}}},
	ParamForwardTSNSupported:   {name: "FORWARD_TSN_SUPPORTED", code: 0xC000},
	ParamAdaptationIndication:  {name: "ADAPTATION_INDICATION", code: 0xC006, fields: []fieldSpec{{"adaptation_code_point", FieldU32}}},
	ParamReconfigGeneric:       {name: "RECONFIG_REQUEST_GENERIC", code: -1, fields: []fieldSpec{{"type", FieldU16}, fLen, fReqSN, fVal}},
	ParamGeneric:               {name: "PARAMETER", code: -1, fields: []fieldSpec{{"type", FieldU16}, fLen, fVal}},
}

// causeSpecs is indexed by CauseKind.
var causeSpecs = [...]elemSpec{
	CauseInvalidStreamIdentifier:     {name: "INVALID_STREAM_IDENTIFIER", code: 1, fields: []fieldSpec{fSID}},
	CauseMissingMandatoryParameter:   {name: "MISSING_MANDATORY_PARAMETER", code: 2, fields: []fieldSpec{{"types", FieldU16List}}},
	CauseStaleCookieError:            {name: "STALE_COOKIE_ERROR", code: 3, fields: []fieldSpec{{"staleness", FieldU32}}},
	CauseOutOfResource:               {name: "OUT_OF_RESOURCE", code: 4},
	CauseUnresolvableAddress:         {name: "UNRESOLVABLE_ADDRESS", code: 5, fields: []fieldSpec{{"param", FieldParam}}},
	CauseUnrecognizedChunkType:       {name: "UNRECOGNIZED_CHUNK_TYPE", code: 6, fields: []fieldSpec{{"chk", FieldChunk}}},
	CauseInvalidMandatoryParameter:   {name: "INVALID_MANDATORY_PARAMETER", code: 7},
	CauseUnrecognizedParameters:      {name: "UNRECOGNIZED_PARAMETERS", code: 8, fields: []fieldSpec{{"params", FieldParams}}},
	CauseNoUserData:                  {name: "NO_USER_DATA", code: 9, fields: []fieldSpec{fTSN}},
	CauseCookieReceivedWhileShutdown: {name: "COOKIE_RECEIVED_WHILE_SHUTDOWN", code: 10},
	CauseRestartWithNewAddresses:     {name: "RESTART_WITH_NEW_ADDRESSES", code: 11, fields: []fieldSpec{{"params", FieldParams}}},
	CauseUserInitiatedAbort:          {name: "USER_INITIATED_ABORT", code: 12, fields: []fieldSpec{{"info", FieldText}}},
	CauseProtocolViolation:           {name: "PROTOCOL_VIOLATION", code: 13, fields: []fieldSpec{{"info", FieldText}}},
	CauseGeneric:                     {name: "CAUSE", code: -1, fields: []fieldSpec{{"code", FieldU16}, fLen, {"info", FieldBytes}}},
}

func (k ChunkKind) String() string { return specName(chunkSpecs[:], int(k)) }
func (k ParamKind) String() string { return specName(paramSpecs[:], int(k)) }
func (k CauseKind) String() string { return specName(causeSpecs[:], int(k)) }

// Code returns the chunk type on the wire, or -1 for CHUNK.
func (k ChunkKind) Code() int { return specCode(chunkSpecs[:], int(k)) }

// Code returns the parameter type on the wire, or -1 for PARAMETER.
func (k ParamKind) Code() int { return specCode(paramSpecs[:], int(k)) }

// Code returns the cause code on the wire, or -1 for CAUSE.
func (k CauseKind) Code() int { return specCode(causeSpecs[:], int(k)) }

// FlagLetters returns the letters accepted in flgs= for this chunk kind (e.g.
// "IUBE" for DATA), most significant bit first; empty if only integers are.
func (k ChunkKind) FlagLetters() string {
	if int(k) < len(chunkSpecs) {
		return chunkSpecs[k].flags
	}
	return ""
}

// FieldKind returns the shape of the named field of this chunk kind.
func (k ChunkKind) FieldKind(name string) (FieldKind, bool) {
	return specField(chunkSpecs[:], int(k), name)
}

// FieldKind returns the shape of the named field of this parameter kind.
func (k ParamKind) FieldKind(name string) (FieldKind, bool) {
	return specField(paramSpecs[:], int(k), name)
}

// FieldKind returns the shape of the named field of this cause kind.
func (k CauseKind) FieldKind(name string) (FieldKind, bool) {
	return specField(causeSpecs[:], int(k), name)
}

func specName(specs []elemSpec, i int) string {
	if i < len(specs) {
		return specs[i].name
	}
	return fmt.Sprintf("kind(%d)", i)
}

func specCode(specs []elemSpec, i int) int {
	if i < len(specs) {
		return specs[i].code
	}
	return -1
}

func specField(specs []elemSpec, i int, name string) (FieldKind, bool) {
	if i >= len(specs) {
		return 0, false
	}
	for _, f := range specs[i].fields {
		if f.name == name {
			return f.kind, true
		}
	}
	return 0, false
}

func lookup(specs []elemSpec, name string) (int, bool) {
	for i := range specs {
		if specs[i].name == name || specs[i].alias != "" && specs[i].alias == name {
			return i, true
		}
	}
	return 0, false
}

// LookupChunk returns the chunk kind for a keyword (either spelling).
func LookupChunk(name string) (ChunkKind, bool) {
	i, ok := lookup(chunkSpecs[:], name)
	return ChunkKind(i), ok
}

// LookupParam returns the parameter kind for a keyword.
func LookupParam(name string) (ParamKind, bool) {
	i, ok := lookup(paramSpecs[:], name)
	return ParamKind(i), ok
}

// LookupCause returns the cause kind for a keyword.
func LookupCause(name string) (CauseKind, bool) {
	i, ok := lookup(causeSpecs[:], name)
	return CauseKind(i), ok
}

// toChunk types a raw element as a chunk, checking fields against its spec.
func toChunk(e *rawElem) (*Chunk, *ParseError) {
	k, ok := LookupChunk(e.name)
	if !ok {
		return nil, &ParseError{e.pos, fmt.Sprintf("unknown chunk type %s", e.name)}
	}
	spec := &chunkSpecs[k]
	c := &Chunk{Pos: e.pos, Kind: k}
	for _, it := range e.items {
		switch {
		case it.ellipsis:
			if spec.nest == nestNone {
				return nil, &ParseError{it.pos, fmt.Sprintf("%s has no parameters to match with \"...\"", spec.name)}
			}
			c.More = true
		case it.elem != nil:
			if c.More {
				return nil, &ParseError{it.pos, "\"...\" must be last"}
			}
			switch spec.nest {
			case nestParams:
				p, err := toParam(it.elem)
				if err != nil {
					return nil, err
				}
				c.Params = append(c.Params, p)
			case nestCauses:
				cs, err := toCause(it.elem)
				if err != nil {
					return nil, err
				}
				c.Causes = append(c.Causes, cs)
			default:
				return nil, &ParseError{it.pos, fmt.Sprintf("%s takes no nested %s[...]", spec.name, it.elem.name)}
			}
		default:
			if len(c.Params)+len(c.Causes) > 0 || c.More {
				return nil, &ParseError{it.pos, fmt.Sprintf("field %s after parameters in %s", it.field, spec.name)}
			}
			f, err := toField(spec, c.Fields, it)
			if err != nil {
				return nil, err
			}
			c.Fields = append(c.Fields, f)
		}
	}
	return c, nil
}

func toParam(e *rawElem) (*Param, *ParseError) {
	k, ok := LookupParam(e.name)
	if !ok {
		return nil, &ParseError{e.pos, fmt.Sprintf("unknown parameter type %s", e.name)}
	}
	if isAny(e) {
		return &Param{Pos: e.pos, Kind: k, Any: true}, nil
	}
	fs, err := toFields(&paramSpecs[k], e)
	if err != nil {
		return nil, err
	}
	return &Param{Pos: e.pos, Kind: k, Fields: fs}, nil
}

func toCause(e *rawElem) (*Cause, *ParseError) {
	k, ok := LookupCause(e.name)
	if !ok {
		return nil, &ParseError{e.pos, fmt.Sprintf("unknown error cause %s", e.name)}
	}
	if isAny(e) {
		return &Cause{Pos: e.pos, Kind: k, Any: true}, nil
	}
	fs, err := toFields(&causeSpecs[k], e)
	if err != nil {
		return nil, err
	}
	return &Cause{Pos: e.pos, Kind: k, Fields: fs}, nil
}

// isAny reports whether e is "NAME[...]": present, content unchecked.
func isAny(e *rawElem) bool {
	return len(e.items) == 1 && e.items[0].ellipsis
}

func toFields(spec *elemSpec, e *rawElem) ([]*Field, *ParseError) {
	var fs []*Field
	for _, it := range e.items {
		if it.ellipsis || it.elem != nil {
			return nil, &ParseError{it.pos, fmt.Sprintf("%s takes only name=value fields", spec.name)}
		}
		f, err := toField(spec, fs, it)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, nil
}

func toField(spec *elemSpec, have []*Field, it rawItem) (*Field, *ParseError) {
	var fk FieldKind
	found := false
	for _, f := range spec.fields {
		if f.name == it.field {
			fk, found = f.kind, true
		}
	}
	if !found {
		names := make([]string, len(spec.fields))
		for i, f := range spec.fields {
			names[i] = f.name
		}
		return nil, &ParseError{it.pos, fmt.Sprintf("%s has no field %q (fields: %s)", spec.name, it.field, strings.Join(names, ", "))}
	}
	if findField(have, it.field) != nil {
		return nil, &ParseError{it.pos, fmt.Sprintf("duplicate field %s in %s", it.field, spec.name)}
	}
	v, msg := checkValue(spec, fk, it.value)
	if msg != "" {
		return nil, &ParseError{it.pos, fmt.Sprintf("%s %s: %s", spec.name, it.field, msg)}
	}
	return &Field{Pos: it.pos, Name: it.field, Value: v}, nil
}

// checkValue validates v against kind and types nested elements.
func checkValue(spec *elemSpec, kind FieldKind, v Value) (Value, string) {
	if IsWildcard(v) {
		return v, ""
	}
	switch kind {
	case FieldU8:
		return v, checkInt(v, 0xff)
	case FieldU16:
		return v, checkInt(v, 0xffff)
	case FieldU32:
		return v, checkInt(v, 0xffffffff)
	case FieldFlags:
		if id, ok := v.(Ident); ok && spec.flags != "" {
			return v, checkFlagLetters(id.Name, spec.flags)
		}
		return v, checkInt(v, 0xff)
	case FieldChunkType:
		if id, ok := v.(Ident); ok {
			if _, known := LookupChunk(id.Name); !known {
				return v, fmt.Sprintf("unknown chunk type %s", id.Name)
			}
			return v, ""
		}
		return v, checkInt(v, 0xff)
	case FieldText:
		if s, ok := v.(String); ok && !s.Prefix {
			return v, ""
		}
		return v, "want a string"
	case FieldAddr:
		switch v.(type) {
		case Addr, String:
			return v, ""
		}
		return v, "want an address"
	case FieldChunk:
		e, ok := v.(*rawElem)
		if !ok {
			return v, "want a chunk spec"
		}
		c, err := toChunk(e)
		if err != nil {
			return v, err.Pos.String() + ": " + err.Msg
		}
		return c, ""
	case FieldParam:
		return toParamValue(v)
	case FieldParams:
		return checkList(v, toParamValue)
	}
	return checkList(v, func(e Value) (Value, string) {
		if IsWildcard(e) {
			return e, ""
		}
		switch kind {
		case FieldBytes:
			return e, checkInt(e, 0xff)
		case FieldGaps:
			g, ok := e.(*Gap)
			if !ok {
				return e, "want start:end gap blocks"
			}
			if m := checkInt(g.Start, 0xffff); m != "" && !IsWildcard(g.Start) {
				return e, m
			}
			if m := checkInt(g.End, 0xffff); m != "" && !IsWildcard(g.End) {
				return e, m
			}
			return e, ""
		case FieldU16List:
			return e, checkInt(e, 0xffff)
		case FieldU32List:
			return e, checkInt(e, 0xffffffff)
		case FieldChunkTypes:
			return checkValue(spec, FieldChunkType, e)
		case FieldAddrTypes:
			if id, ok := e.(Ident); ok {
				if _, known := addrTypeNames[id.Name]; !known {
					return e, fmt.Sprintf("unknown address type %s (IPv4, IPv6, HOSTNAME)", id.Name)
				}
				return e, ""
			}
			return e, checkInt(e, 0xffff)
		case FieldSSNIDs:
			return e, checkTuple(e, "{sid, ssn}", 0xffff, 0xffff)
		case FieldMIDIDs:
			return e, checkTuple(e, "{sid, flags, mid}", 0xffff, 0xffff, 0xffffffff)
		}
		return e, "unsupported field kind"
	})
}

// checkTuple checks a positional "{a, b, ...}" entry against per-item maxima.
func checkTuple(v Value, shape string, max ...int64) string {
	s, ok := v.(*Struct)
	if !ok || len(s.Fields) != len(max) {
		return "want " + shape + " entries"
	}
	for i, f := range s.Fields {
		if f.Name != "" || f.Size != nil {
			return "want positional " + shape + " entries"
		}
		if m := checkInt(f.Value, max[i]); m != "" {
			return m
		}
	}
	return ""
}

func toParamValue(v Value) (Value, string) {
	if IsWildcard(v) {
		return v, ""
	}
	e, ok := v.(*rawElem)
	if !ok {
		return v, "want a parameter spec"
	}
	p, err := toParam(e)
	if err != nil {
		return v, err.Pos.String() + ": " + err.Msg
	}
	return p, ""
}

func checkList(v Value, each func(Value) (Value, string)) (Value, string) {
	l, ok := v.(*List)
	if !ok {
		return v, "want a [...] list"
	}
	out := &List{Elems: make([]Value, len(l.Elems))}
	for i, e := range l.Elems {
		ne, msg := each(e)
		if msg != "" {
			return v, msg
		}
		out.Elems[i] = ne
	}
	return out, ""
}

func checkInt(v Value, max int64) string {
	if IsWildcard(v) {
		return ""
	}
	i, ok := v.(Int)
	if !ok {
		return "want an integer"
	}
	if i.V < 0 || i.V > max {
		return fmt.Sprintf("%d out of range 0..%d", i.V, max)
	}
	return ""
}

func checkFlagLetters(s, letters string) string {
	seen := map[rune]bool{}
	for _, r := range s {
		if !strings.ContainsRune(letters, r) || seen[r] {
			return fmt.Sprintf("bad flags %q (letters %s, each once)", s, letters)
		}
		seen[r] = true
	}
	return ""
}
