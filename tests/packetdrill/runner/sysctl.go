package runner

import (
	"strconv"
	"strings"
	"time"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// Backtick commands. The corpus uses them for FreeBSD (net.inet.sctp.*)
// and Linux (net.sctp.*) sysctls. A sysctl maps onto a protocol option
// where we have one; one that turns off an extension we do not implement
// already describes our stack and is accepted; anything else makes the
// script unsupported.

// extensionSysctls are switches of extensions we lack, by name suffix.
var extensionSysctls = map[string]string{
	"ecn_enable":      "ECN",
	"asconf_enable":   "ASCONF (RFC 5061)",
	"addip_enable":    "ASCONF (RFC 5061)",
	"auth_enable":     "AUTH (RFC 4895)",
	"reconfig_enable": "RECONFIG (RFC 6525)",
	"nrsack_enable":   "NR-SACK",
	"pktdrop_enable":  "PKTDROP",
	"intl_enable":     "I-DATA (RFC 8260)",
}

// durationSysctls set protocol timers, in milliseconds.
var durationSysctls = map[string]func(o *sctp.Options) *time.Duration{
	"heartbeat_interval": func(o *sctp.Options) *time.Duration { return &o.HeartbeatInterval },
	"hb_interval":        func(o *sctp.Options) *time.Duration { return &o.HeartbeatInterval },
	"rto_initial":        func(o *sctp.Options) *time.Duration { return &o.RTOInitial },
	"rto_min":            func(o *sctp.Options) *time.Duration { return &o.RTOMin },
	"rto_max":            func(o *sctp.Options) *time.Duration { return &o.RTOMax },
	"valid_cookie_life":  func(o *sctp.Options) *time.Duration { return &o.ValidCookieLife },
	"sack_timeout":       func(o *sctp.Options) *time.Duration { return &o.DelayedAckTime },
	"delayed_sack_time":  func(o *sctp.Options) *time.Duration { return &o.DelayedAckTime },
}

// countSysctls set retransmission limits.
var countSysctls = map[string]func(o *sctp.Options) *int{
	"max_init_retransmits":    func(o *sctp.Options) *int { return &o.MaxInitRetransmits },
	"init_rtx_max":            func(o *sctp.Options) *int { return &o.MaxInitRetransmits },
	"association_max_retrans": func(o *sctp.Options) *int { return &o.AssociationMaxRetrans },
	"assoc_rtx_max":           func(o *sctp.Options) *int { return &o.AssociationMaxRetrans },
	"path_max_retrans":        func(o *sctp.Options) *int { return &o.PathMaxRetrans },
	"path_rtx_max":            func(o *sctp.Options) *int { return &o.PathMaxRetrans },
	"max_burst":               func(o *sctp.Options) *int { return &o.MaxBurst },
}

// sysctl applies a command to the protocol options of the run.
func (r *run) sysctl(cmd string) error {
	f := strings.Fields(cmd)
	if len(f) < 2 || f[0] != "sysctl" {
		return unsupported("shell command: %s", cmd)
	}
	for _, kv := range f[1:] {
		if strings.HasPrefix(kv, "-") {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return unsupported("sysctl: %s", kv)
		}
		if err := r.setSysctl(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) setSysctl(key, val string) error {
	short := key[strings.LastIndex(key, ".")+1:]
	if !strings.HasPrefix(key, "net.inet.sctp.") && !strings.HasPrefix(key, "net.sctp.") {
		return unsupported("sysctl: %s", key)
	}
	n, err := strconv.ParseInt(val, 0, 64)
	if err != nil {
		return unsupported("sysctl: %s=%s", key, val)
	}
	if short == "pr_enable" || short == "prsctp_enable" {
		r.opts.DisablePRSCTP = n == 0 // PR-SCTP (RFC 3758), on by default
		return nil
	}
	if feat, ok := extensionSysctls[short]; ok {
		if n != 0 {
			return unsupported("%s: enabled by sysctl %s", feat, key)
		}
		return nil
	}
	if short == "auth_disable" {
		if n == 0 {
			return unsupported("AUTH (RFC 4895): enabled by sysctl %s", key)
		}
		return nil
	}
	if d, ok := durationSysctls[short]; ok {
		*d(&r.opts) = time.Duration(n) * time.Millisecond
		return nil
	}
	if c, ok := countSysctls[short]; ok {
		*c(&r.opts) = int(n)
		return nil
	}
	return unsupported("sysctl: %s", key)
}

// filled returns o with the protocol's defaults in place of zeros, for
// reporting values the endpoint does not tell.
func filled(o sctp.Options) sctp.Options {
	d := sctp.DefaultOptions()
	if o.OutStreams == 0 {
		o.OutStreams = d.OutStreams
	}
	if o.MaxInStreams == 0 {
		o.MaxInStreams = d.MaxInStreams
	}
	if o.MaxInitRetransmits <= 0 {
		o.MaxInitRetransmits = d.MaxInitRetransmits
	}
	if o.RTOMax <= 0 {
		o.RTOMax = d.RTOMax
	}
	return o
}
