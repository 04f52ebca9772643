package sctp

import "time"

// The retransmission timeout of a path (RFC 9260 6.3.1).

// rtoGranularity is the clock granularity G of RFC 9260 6.3.1.
const rtoGranularity = time.Millisecond

// measure folds an RTT sample into SRTT, RTTVAR and RTO (RFC 9260 6.3.1
// C1-C3), clamped to [RTO.Min, RTO.Max] (C6-C7). Samples come only from
// chunks sent once (Karn, C5: the outqueue forgets a measurement whose
// chunk is retransmitted).
func (t *transport) measure(r time.Duration, o *Options) {
	if r < 0 {
		r = 0
	}
	if !t.measured {
		// C2: the first measurement.
		t.srtt = r
		t.rttvar = r / 2
		t.measured = true
	} else {
		// C3: RTTVAR first, with the old SRTT.
		d := t.srtt - r
		if d < 0 {
			d = -d
		}
		t.rttvar = t.rttvar - t.rttvar/4 + d/4 // beta = 1/4
		t.srtt = t.srtt - t.srtt/8 + r/8       // alpha = 1/8
	}
	t.rto = t.srtt + max(rtoGranularity, 4*t.rttvar)
	t.clampRTO(o)
}

// backoff doubles the RTO after a timeout (RFC 9260 6.3.3 E2), up to
// RTO.Max.
func (t *transport) backoff(o *Options) {
	t.rto *= 2
	t.clampRTO(o)
}

func (t *transport) clampRTO(o *Options) {
	if t.rto < o.RTOMin {
		t.rto = o.RTOMin
	}
	if t.rto > o.RTOMax {
		t.rto = o.RTOMax
	}
}
