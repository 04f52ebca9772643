package script

import (
	"reflect"
	"testing"
)

func TestFlagBits(t *testing.T) {
	for _, tc := range []struct {
		k    ChunkKind
		v    Value
		want uint8
		ok   bool
	}{
		{ChunkData, Ident{Name: "IUBE"}, 0x0f, true},
		{ChunkData, Ident{Name: "BE"}, 0x03, true},
		{ChunkData, Ident{Name: "U"}, 0x04, true},
		{ChunkIData, Ident{Name: "I"}, 0x08, true},
		{ChunkAbort, Ident{Name: "T"}, 0x01, true},
		{ChunkShutdownComplete, Int{V: 1}, 0x01, true},
		{ChunkInit, Int{V: 0x80, Hex: true}, 0x80, true},
		{ChunkInit, Ident{Name: "T"}, 0, false},
		{ChunkData, Ident{Name: "EE"}, 0, false},
		{ChunkData, Wildcard{}, 0, false},
	} {
		got, ok := FlagBits(tc.k, tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FlagBits(%v, %v) = %#x, %v; want %#x, %v", tc.k, FormatValue(tc.v), got, ok, tc.want, tc.ok)
		}
	}
}

func TestTypeCodes(t *testing.T) {
	s := mustParse(t, `+0 < sctp: INIT[flgs=0, tag=1, a_rwnd=1, os=1, is=1, tsn=1,
	    SUPPORTED_EXTENSIONS[types=[RECONFIG, FORWARD_TSN, I-DATA, PAD, 0xc1]],
	    SUPPORTED_ADDRESS_TYPES[types=[IPv4, IPv6, HOSTNAME, 42]]]`)
	init := events(t, s)[0].Action.(*Packet).SCTP.Chunks[0]
	var exts []uint8
	for _, v := range init.Params[0].Field("types").Value.(*List).Elems {
		c, ok := ChunkTypeCode(v)
		if !ok {
			t.Fatalf("ChunkTypeCode(%v) failed", FormatValue(v))
		}
		exts = append(exts, c)
	}
	if want := []uint8{130, 192, 64, 132, 0xc1}; !reflect.DeepEqual(exts, want) {
		t.Errorf("extension codes %v, want %v", exts, want)
	}
	var addrs []uint16
	for _, v := range init.Params[1].Field("types").Value.(*List).Elems {
		c, _ := AddrTypeCode(v)
		addrs = append(addrs, c)
	}
	if want := []uint16{5, 6, 11, 42}; !reflect.DeepEqual(addrs, want) {
		t.Errorf("address type codes %v, want %v", addrs, want)
	}
	if _, ok := ChunkTypeCode(Ident{Name: "CHUNK"}); ok {
		t.Errorf("CHUNK has no type code")
	}
	if v, ok := IntValue(init.Field("tsn").Value); !ok || v != 1 {
		t.Errorf("IntValue(tsn) = %d, %v", v, ok)
	}
}

// TestEqualIgnoringPos makes sure the round-trip comparison can fail.
func TestEqualIgnoringPos(t *testing.T) {
	a := mustParse(t, "+0 < sctp: DATA[flgs=BE, tsn=1]")
	b := mustParse(t, "\n\n  +0 < sctp:   DATA[flgs=BE,\n tsn=1]")
	c := mustParse(t, "+0 < sctp: DATA[flgs=BE, tsn=2]")
	d := mustParse(t, "+0 < sctp: DATA[flgs=0x3, tsn=1]")
	if !equalIgnoringPos(reflect.ValueOf(a), reflect.ValueOf(b)) {
		t.Errorf("layout-only difference reported")
	}
	if equalIgnoringPos(reflect.ValueOf(a), reflect.ValueOf(c)) || equalIgnoringPos(reflect.ValueOf(a), reflect.ValueOf(d)) {
		t.Errorf("value difference not reported")
	}
}
