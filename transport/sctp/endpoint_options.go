package sctp

import (
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
)

// Socket options of RFC 6458 8 as Go methods. Most set a parameter of the
// association (or, before it exists, of the associations to come): the
// endpoint keeps its own copy of the protocol's Options (eo), and each
// association a copy of that (association.o), replaced whole on every
// change so that readers never see half an update.

// RTOInfo is SCTP_RTOINFO (RFC 6458 8.1.1).
type RTOInfo struct{ Initial, Min, Max time.Duration }

// AssocParams is SCTP_ASSOCINFO (RFC 6458 8.1.2). Only AssocMaxRetrans and
// CookieLife can be set; the rest is reported.
type AssocParams struct {
	AssocMaxRetrans int
	CookieLife      time.Duration
	// NumPeerDests, PeerRwnd and LocalRwnd describe the association.
	NumPeerDests int
	PeerRwnd     uint32
	LocalRwnd    uint32
}

// DelayedSack is SCTP_DELAYED_SACK (RFC 6458 8.1.19): the SACK delay and
// how many packets get one SACK (1 or 2).
type DelayedSack struct {
	Delay time.Duration
	Freq  int
}

// opts returns the options the endpoint's associations get.
//
// +checklocks:e.mu
func (e *Endpoint) opts() *Options {
	if e.eo != nil {
		return e.eo
	}
	return &e.p.opts
}

// setAssocOpt applies f to a copy of the endpoint's options and, if f
// finds the result valid, installs it for the associations to come and
// the current one (RFC 6458: an option set on a one-to-one socket applies
// to its association).
func (e *Endpoint) setAssocOpt(f func(o *Options) tcpip.Error) tcpip.Error {
	e.mu.Lock()
	o := *e.opts()
	if err := f(&o); err != nil {
		e.mu.Unlock()
		return err
	}
	e.eo = &o
	a := e.assoc
	e.mu.Unlock()
	if a != nil {
		a.mu.Lock()
		ao := *a.o
		f(&ao)
		a.setOpts(&ao)
		a.unlockAndFlush()
	}
	return nil
}

// setOpts installs new options on the association.
//
// +checklocks:a.mu
func (a *association) setOpts(o *Options) {
	a.o = o
	a.ulp.pdp = int32(min(o.PartialDeliveryPoint, 1<<31-1))
	for _, t := range a.paths {
		t.clampRTO(o)
	}
}

// initOpts gives a new association its options: its first paths and
// set-up timers start from them.
//
// +checklocks:a.mu
func (a *association) initOpts(o *Options) {
	a.setOpts(o)
	if !a.passive {
		su := a.su()
		su.t1rto = o.RTOInitial
		su.maxInitTimeout = o.RTOMax
	}
	for _, t := range a.paths {
		if !t.measured {
			t.rto = o.RTOInitial
		}
		t.hbInterval, t.pathMaxRetrans, t.hbDisabled = o.HeartbeatInterval, retransLimit(o.PathMaxRetrans), o.NoHeartbeats
	}
}

// getOpt reads the options in force: the association's, else the
// endpoint's.
func (e *Endpoint) getOpt() Options {
	e.mu.Lock()
	o := *e.opts()
	a := e.assoc
	e.mu.Unlock()
	if a != nil {
		a.mu.Lock()
		o = *a.o
		a.mu.Unlock()
	}
	return o
}

var errBadOption = &tcpip.ErrInvalidOptionValue{}

// SetRTOInfo sets RTO.Initial, RTO.Min and RTO.Max (SCTP_RTOINFO); zero
// fields are left alone. Min must not exceed Max, nor Initial lie outside
// them.
func (e *Endpoint) SetRTOInfo(ri RTOInfo) tcpip.Error {
	if ri.Initial < 0 || ri.Min < 0 || ri.Max < 0 {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error {
		if ri.Initial > 0 {
			o.RTOInitial = ri.Initial
		}
		if ri.Min > 0 {
			o.RTOMin = ri.Min
		}
		if ri.Max > 0 {
			o.RTOMax = ri.Max
		}
		if o.RTOMin > o.RTOMax || o.RTOInitial < o.RTOMin || o.RTOInitial > o.RTOMax {
			return errBadOption
		}
		return nil
	})
}

// RTOInfo returns SCTP_RTOINFO.
func (e *Endpoint) RTOInfo() RTOInfo {
	o := e.getOpt()
	return RTOInfo{Initial: o.RTOInitial, Min: o.RTOMin, Max: o.RTOMax}
}

// SetAssocInfo sets Association.Max.Retrans and Valid.Cookie.Life
// (SCTP_ASSOCINFO); zero fields are left alone.
func (e *Endpoint) SetAssocInfo(ap AssocParams) tcpip.Error {
	if ap.AssocMaxRetrans < 0 || ap.CookieLife < 0 {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error {
		if ap.AssocMaxRetrans > 0 {
			o.AssociationMaxRetrans = ap.AssocMaxRetrans
		}
		if ap.CookieLife > 0 {
			o.ValidCookieLife = ap.CookieLife
		}
		return nil
	})
}

// AssocInfo returns SCTP_ASSOCINFO.
func (e *Endpoint) AssocInfo() AssocParams {
	o := e.getOpt()
	ap := AssocParams{AssocMaxRetrans: o.AssociationMaxRetrans, CookieLife: o.ValidCookieLife}
	if a := e.getAssoc(); a != nil {
		a.mu.Lock()
		ap.NumPeerDests, ap.PeerRwnd, ap.LocalRwnd = len(a.paths), a.out.rwnd(), a.ulp.rwnd()
		a.mu.Unlock()
	}
	return ap
}

// SetDisableFragments turns SCTP_DISABLE_FRAGMENTS on or off: on, a
// message larger than one DATA chunk fails with ErrMessageTooLong.
func (e *Endpoint) SetDisableFragments(on bool) tcpip.Error {
	return e.setAssocOpt(func(o *Options) tcpip.Error { o.DisableFragments = on; return nil })
}

// DisableFragments returns SCTP_DISABLE_FRAGMENTS.
func (e *Endpoint) DisableFragments() bool { return e.getOpt().DisableFragments }

// SetMaxSeg caps the user data per DATA chunk (SCTP_MAXSEG); 0 means the
// path MTU decides. Any positive size is taken (RFC 6458 8.1.16 sets no
// floor); below 4 bytes, fragments carry 4.
func (e *Endpoint) SetMaxSeg(n int) tcpip.Error {
	if n < 0 {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error { o.MaxSeg = n; return nil })
}

// MaxSeg returns SCTP_MAXSEG: the cap, or what the path MTU allows.
func (e *Endpoint) MaxSeg() int {
	o := e.getOpt()
	if o.MaxSeg > 0 {
		return o.MaxSeg
	}
	if a := e.getAssoc(); a != nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		return maxPayload(a.minPMTU())
	}
	return 0
}

// SetDelayedSack sets SCTP_DELAYED_SACK: the delay (at most 500 ms,
// RFC 9260 6.2; longer is cut to 500) and the packets per SACK (RFC 6458 8.1.19; up to
// maxSackFrequency). Zero fields are left alone.
func (e *Endpoint) SetDelayedSack(ds DelayedSack) tcpip.Error {
	if ds.Delay < 0 || ds.Freq < 0 || ds.Freq > maxSackFrequency {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error {
		if ds.Delay > 0 {
			// RFC 9260 6.2: at most 500 ms; more is taken as 500
			// (as FreeBSD does).
			o.DelayedAckTime = min(ds.Delay, 500*time.Millisecond)
		}
		if ds.Freq > 0 {
			o.SackFrequency = ds.Freq
		}
		return nil
	})
}

// DelayedSack returns SCTP_DELAYED_SACK.
func (e *Endpoint) DelayedSack() DelayedSack {
	o := e.getOpt()
	return DelayedSack{Delay: o.DelayedAckTime, Freq: o.SackFrequency}
}

// SetMaxBurst sets Max.Burst (SCTP_MAX_BURST, RFC 9260 6.1 D); 0 turns
// burst mitigation off (RFC 6458 SCTP_MAX_BURST).
func (e *Endpoint) SetMaxBurst(n int) tcpip.Error {
	if n < 0 {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error {
		if o.NoMaxBurst = n == 0; n > 0 {
			o.MaxBurst = n
		}
		return nil
	})
}

// MaxBurst returns SCTP_MAX_BURST: 0 when burst mitigation is off.
func (e *Endpoint) MaxBurst() int {
	o := e.getOpt()
	if o.NoMaxBurst {
		return 0
	}
	return o.MaxBurst
}

// SetPartialDeliveryPoint sets the size of an incomplete message at which
// its delivery starts (SCTP_PARTIAL_DELIVERY_POINT); 0 restores the
// default, half the receive buffer.
func (e *Endpoint) SetPartialDeliveryPoint(n int) tcpip.Error {
	if n < 0 {
		return errBadOption
	}
	return e.setAssocOpt(func(o *Options) tcpip.Error { o.PartialDeliveryPoint = n; return nil })
}

// PartialDeliveryPoint returns SCTP_PARTIAL_DELIVERY_POINT.
func (e *Endpoint) PartialDeliveryPoint() int { return e.getOpt().PartialDeliveryPoint }

// SetDefaultSendInfo sets the SendInfo that Write uses (SCTP_DEFAULT_SNDINFO,
// RFC 6458 8.1.31), its Context being the default context (SCTP_CONTEXT).
func (e *Endpoint) SetDefaultSendInfo(si SendInfo) tcpip.Error {
	if si.EOF || si.Abort || si.SendAll {
		return errBadOption
	}
	e.mu.Lock()
	e.wrExt().defSend = si
	e.mu.Unlock()
	return nil
}

// DefaultSendInfo returns SCTP_DEFAULT_SNDINFO.
func (e *Endpoint) DefaultSendInfo() SendInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rdExt().defSend
}

// SetAdaptationLayer sets the Adaptation Layer Indication our INIT or INIT
// ACK carries (SCTP_ADAPTATION_LAYER, RFC 5061 4.2.6). Before Connect or
// Listen.
func (e *Endpoint) SetAdaptationLayer(ind uint32) tcpip.Error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.assoc != nil {
		return &tcpip.ErrInvalidEndpointState{}
	}
	x := e.wrExt()
	x.adapt, x.hasAdapt = ind, true
	return nil
}

// AdaptationLayer returns SCTP_ADAPTATION_LAYER, and false when unset.
func (e *Endpoint) AdaptationLayer() (uint32, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rdExt().adapt, e.rdExt().hasAdapt
}

// SetFragmentInterleave sets SCTP_FRAGMENT_INTERLEAVE (RFC 6458 8.1.20):
// level 0 delivers a partially delivered message to its end before
// anything else of any association, level 1 lets other associations'
// messages in between (one-to-many). Level 2 (other streams of the same
// association) is not supported.
func (e *Endpoint) SetFragmentInterleave(level int) tcpip.Error {
	if level != 0 && level != 1 {
		return errBadOption
	}
	e.mu.Lock()
	e.wrExt().interleave = level
	e.mu.Unlock()
	return nil
}

// FragmentInterleave returns SCTP_FRAGMENT_INTERLEAVE.
func (e *Endpoint) FragmentInterleave() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rdExt().interleave
}

// SetEvents subscribes to the notification types in m and unsubscribes
// from the rest (SCTP_EVENT, RFC 6458 6.2.1). A SENDER_DRY subscription
// made while nothing is queued reports at once (6.1.9).
func (e *Endpoint) SetEvents(m EventMask) tcpip.Error {
	if m&^EventAll != 0 {
		return errBadOption
	}
	e.mu.Lock()
	e.events = m
	a := e.assoc
	e.mu.Unlock()
	if a != nil {
		a.mu.Lock()
		a.events = m
		if m&EventSenderDry != 0 {
			a.dryNoted = false
			a.checkDry()
		}
		a.unlockAndFlush()
	}
	return nil
}

// Events returns the notification types subscribed.
func (e *Endpoint) Events() EventMask {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.events
}
