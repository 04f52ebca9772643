package runner

import (
	"gvisor.dev/gvisor/pkg/tcpip"

	"github.com/netstack-sctp/sctp/transport/sctp"
)

// constants are the platform's numbers for the symbols scripts compare
// numerically (errno values in SO_ERROR, fcntl flags). Symbols in results
// ("= -1 EINPROGRESS") are compared by name and need no number.
type constants struct {
	errno map[string]int64
	names map[string]int64
	// absent are symbols the platform does not define: a script that
	// expects one fails, as it would not build there.
	absent map[string]bool
}

func constantsFor(platform string) *constants {
	linux := platform != "FreeBSD"
	pick := func(l, f int64) int64 {
		if linux {
			return l
		}
		return f
	}
	c := &constants{errno: map[string]int64{
		"EPERM": 1, "ENOENT": 2, "EBADF": 9, "EINVAL": 22, "EPIPE": 32, "EFAULT": 14,
		"EAGAIN": pick(11, 35), "EWOULDBLOCK": pick(11, 35), "EINPROGRESS": pick(115, 36),
		"EALREADY": pick(114, 37), "ENOTSOCK": pick(88, 38), "EDESTADDRREQ": pick(89, 39),
		"EMSGSIZE": pick(90, 40), "ENOPROTOOPT": pick(92, 42), "EOPNOTSUPP": pick(95, 45),
		"EADDRINUSE": pick(98, 48), "EADDRNOTAVAIL": pick(99, 49), "ENETUNREACH": pick(101, 51),
		"ECONNABORTED": pick(103, 53), "ECONNRESET": pick(104, 54), "ENOBUFS": pick(105, 55),
		"EISCONN": pick(106, 56), "ENOTCONN": pick(107, 57), "ESHUTDOWN": pick(108, 58),
		"ETIMEDOUT": pick(110, 60), "ECONNREFUSED": pick(111, 61), "EHOSTUNREACH": pick(113, 65),
	}}
	c.names = map[string]int64{
		"O_RDONLY": 0, "O_WRONLY": 1, "O_RDWR": 2, "O_NONBLOCK": pick(0x800, 0x4),
		"F_GETFL": 3, "F_SETFL": 4,
		"SHUT_RD": 0, "SHUT_WR": 1, "SHUT_RDWR": 2,
		"AF_INET": 2, "AF_INET6": pick(10, 28), "AF_UNSPEC": 0,
		"SOCK_STREAM": 1, "SOCK_SEQPACKET": 5, "IPPROTO_SCTP": 132,
		"INADDR_ANY": 0, "NULL": 0,
		"MSG_EOR": pick(0x80, 0x8), "MSG_NOTIFICATION": pick(0x8000, 0x2000),
		"MSG_DONTWAIT": pick(0x40, 0x80), "MSG_PEEK": 2, "MSG_WAITALL": pick(0x100, 0x40),
		"SCTP_UNORDERED": pick(1, 0x400), "SCTP_EOF": pick(0x200, 0x100), "SCTP_ABORT": pick(0x4, 0x200),
		"SCTP_ADDR_OVER": pick(2, 0x800), "SCTP_SENDALL": pick(0x40, 0x1000), "SCTP_EOR": pick(0x20, 0x2000),
		// sstat_state (RFC 6458 8.2.1): Linux counts from 1, FreeBSD
		// uses bits (BOUND and LISTEN are FreeBSD's alone).
		"SCTP_CLOSED": pick(1, 0), "SCTP_BOUND": pick(-1, 0x1000), "SCTP_LISTEN": pick(-1, 0x2000),
		"SCTP_COOKIE_WAIT": 2, "SCTP_COOKIE_ECHOED": pick(3, 4), "SCTP_ESTABLISHED": pick(4, 8),
		"SCTP_SHUTDOWN_PENDING": pick(5, 0x80), "SCTP_SHUTDOWN_SENT": pick(6, 0x10),
		"SCTP_SHUTDOWN_RECEIVED": pick(7, 0x20), "SCTP_SHUTDOWN_ACK_SENT": pick(8, 0x40),
		"SCTP_ACTIVE": 2, "SCTP_INACTIVE": 0, "SCTP_UNCONFIRMED": 0x200,
		"SCTP_FUTURE_ASSOC": 0, "SCTP_CURRENT_ASSOC": 1, "SCTP_ALL_ASSOC": 2,
		"SCTP_SENDV_NOINFO": 0, "SCTP_SENDV_SNDINFO": 1, "SCTP_SENDV_PRINFO": 2,
		"SCTP_SENDV_AUTHINFO": 3, "SCTP_SENDV_SPA": 4,
		"SCTP_RECVV_NOINFO": 0, "SCTP_RECVV_RCVINFO": 1, "SCTP_RECVV_NXTINFO": 2, "SCTP_RECVV_RN": 3,
		"SCTP_PR_SCTP_NONE": 0, "SCTP_PR_SCTP_TTL": pick(0x10, 1), "SCTP_PR_SCTP_RTX": pick(0x20, 3),
		"SCTP_PR_SCTP_PRIO": pick(0x30, 2),
		// Receive information (RFC 6458 5.3.5, 5.3.6); SCTP_COMPLETE
		// and FreeBSD's SCTP_EXTRCV flags are FreeBSD's alone.
		"MSG_CTRUNC": pick(0x8, 0x20), "SCTP_NOTIFICATION": pick(0x8000, 0x10),
		// Notifications (RFC 6458 6.1): Linux numbers them from 1<<15 in
		// its own order, FreeBSD from 1.
		"SCTP_ASSOC_CHANGE": pick(0x8001, 1), "SCTP_PEER_ADDR_CHANGE": pick(0x8002, 2),
		"SCTP_SEND_FAILED": pick(0x8003, 4), "SCTP_REMOTE_ERROR": pick(0x8004, 3),
		"SCTP_SHUTDOWN_EVENT": pick(0x8005, 5), "SCTP_PARTIAL_DELIVERY_EVENT": pick(0x8006, 7),
		"SCTP_ADAPTATION_INDICATION": pick(0x8007, 6), "SCTP_AUTHENTICATION_EVENT": pick(0x8008, 8),
		"SCTP_SENDER_DRY_EVENT": pick(0x8009, 0xa), "SCTP_STREAM_RESET_EVENT": pick(0x800a, 9),
		"SCTP_ASSOC_RESET_EVENT": pick(0x800b, 0xc), "SCTP_STREAM_CHANGE_EVENT": pick(0x800c, 0xd),
		"SCTP_SEND_FAILED_EVENT": pick(0x800d, 0xe), "SCTP_NOTIFICATIONS_STOPPED_EVENT": pick(-1, 0xb),
		"SCTP_COMM_UP": pick(0, 1), "SCTP_COMM_LOST": pick(1, 2), "SCTP_RESTART": pick(2, 3),
		"SCTP_SHUTDOWN_COMP": pick(3, 4), "SCTP_CANT_STR_ASSOC": pick(4, 5),
		"SCTP_ADDR_AVAILABLE": pick(0, 1), "SCTP_ADDR_UNREACHABLE": pick(1, 2), "SCTP_ADDR_REMOVED": pick(2, 3),
		"SCTP_ADDR_ADDED": pick(3, 4), "SCTP_ADDR_MADE_PRIM": pick(4, 5), "SCTP_ADDR_CONFIRMED": pick(5, 6),
		"SCTP_ADDR_POTENTIALLY_FAILED": pick(6, 7),
		"SCTP_DATA_UNSENT":             pick(0, 1), "SCTP_DATA_SENT": pick(1, 2),
		"SCTP_PARTIAL_DELIVERY_ABORTED": pick(0, 1),
		"SCTP_ASSOC_SUPPORTS_PR":        1, "SCTP_ASSOC_SUPPORTS_AUTH": 2, "SCTP_ASSOC_SUPPORTS_ASCONF": 3,
		"SCTP_ASSOC_SUPPORTS_MULTIBUF": 4, "SCTP_ASSOC_SUPPORTS_RE_CONFIG": 5, "SCTP_ASSOC_SUPPORTS_INTERLEAVING": 6,
	}
	for k, v := range extraNames {
		c.names[k] = v
	}
	freeBSDOnly := map[string]int64{
		"SCTP_COMPLETE": 0x20, "SCTP_NEXT_MSG_AVAIL": 1, "SCTP_NEXT_MSG_ISCOMPLETE": 2,
		"SCTP_NEXT_MSG_IS_UNORDERED": 4, "SCTP_NEXT_MSG_IS_NOTIFICATION": 8,
	}
	c.absent = map[string]bool{}
	for k, v := range freeBSDOnly {
		if linux {
			c.absent[k] = true
		} else {
			c.names[k] = v
		}
	}
	return c
}

// stateName is the socket API's name of an association state (RFC 6458
// 8.2.1), which SCTP_STATUS compares.
func stateName(s sctp.State) string {
	switch s {
	case sctp.StateCookieWait:
		return "SCTP_COOKIE_WAIT"
	case sctp.StateCookieEchoed:
		return "SCTP_COOKIE_ECHOED"
	case sctp.StateEstablished:
		return "SCTP_ESTABLISHED"
	case sctp.StateShutdownPending:
		return "SCTP_SHUTDOWN_PENDING"
	case sctp.StateShutdownSent:
		return "SCTP_SHUTDOWN_SENT"
	case sctp.StateShutdownReceived:
		return "SCTP_SHUTDOWN_RECEIVED"
	case sctp.StateShutdownAckSent:
		return "SCTP_SHUTDOWN_ACK_SENT"
	}
	return "SCTP_CLOSED"
}

// errnoOf names the errno a socket call reports for a netstack error.
func errnoOf(err tcpip.Error) string {
	switch err.(type) {
	case nil:
		return ""
	case *tcpip.ErrConnectStarted:
		return "EINPROGRESS"
	case *tcpip.ErrWouldBlock:
		return "EAGAIN"
	case *tcpip.ErrConnectionRefused:
		return "ECONNREFUSED"
	case *tcpip.ErrTimeout:
		return "ETIMEDOUT"
	case *tcpip.ErrConnectionReset:
		return "ECONNRESET"
	case *tcpip.ErrConnectionAborted:
		return "ECONNABORTED"
	case *tcpip.ErrClosedForSend:
		return "EPIPE"
	case *tcpip.ErrNotConnected:
		return "ENOTCONN"
	case *tcpip.ErrInvalidEndpointState, *tcpip.ErrInvalidOptionValue, *tcpip.ErrBadAddress:
		return "EINVAL"
	case *tcpip.ErrPortInUse:
		return "EADDRINUSE"
	case *tcpip.ErrMessageTooLong:
		return "EMSGSIZE"
	case *tcpip.ErrAlreadyConnected:
		return "EISCONN"
	case *tcpip.ErrAlreadyConnecting:
		return "EALREADY"
	case *tcpip.ErrBadLocalAddress:
		return "EADDRNOTAVAIL"
	case *tcpip.ErrHostUnreachable, *tcpip.ErrNetworkUnreachable:
		return "ENETUNREACH"
	case *tcpip.ErrNotSupported:
		return "EOPNOTSUPP"
	case *tcpip.ErrUnknownProtocolOption:
		return "ENOPROTOOPT"
	}
	return "EIO(" + err.String() + ")"
}
