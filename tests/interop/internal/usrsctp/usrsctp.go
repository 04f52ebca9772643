//go:build usrsctp && cgo

package usrsctp

/*
#cgo CFLAGS: -DINET -DINET6
#cgo LDFLAGS: -lusrsctp
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <usrsctp.h>

extern void goUsrsctpOutput(uintptr_t addr, void *buf, size_t length);

static int us_conn_output(void *addr, void *buf, size_t length, uint8_t tos, uint8_t set_df) {
	goUsrsctpOutput((uintptr_t)addr, buf, length);
	return 0;
}

static void us_init(uint32_t rto_min, uint32_t rto_initial, uint32_t rto_max) {
	usrsctp_init_nothreads(0, us_conn_output, NULL);
	usrsctp_sysctl_set_sctp_rto_min_default(rto_min);
	usrsctp_sysctl_set_sctp_rto_initial_default(rto_initial);
	usrsctp_sysctl_set_sctp_rto_max_default(rto_max);
	usrsctp_sysctl_set_sctp_init_rto_max_default(rto_max);
}

static void us_register(uintptr_t addr) { usrsctp_register_address((void *)addr); }
static void us_deregister(uintptr_t addr) { usrsctp_deregister_address((void *)addr); }

static void us_input(uintptr_t addr, const void *pkt, size_t len) {
	usrsctp_conninput((void *)addr, pkt, len, 0);
}

static struct socket *us_socket(void) {
	return usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
}

// us_setup sets what every test socket needs: SCTP_RCVINFO on receive (the
// stream, PPID and U bit of each message), no Nagle, the stream counts, and
// a fixed path MTU (AF_CONN has no path MTU discovery) with heartbeats
// every hb_ms milliseconds (0: usrsctp's default, 30 s).
static int us_setup(struct socket *s, uint16_t ostreams, uint32_t mtu, uint32_t hb_ms) {
	int on = 1;
	struct sctp_initmsg im;
	struct sctp_paddrparams pp;

	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on)) < 0)
		return -1;
	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on)) < 0)
		return -1;
	memset(&im, 0, sizeof(im));
	im.sinit_num_ostreams = ostreams;
	im.sinit_max_instreams = 65535;
	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0)
		return -1;
	memset(&pp, 0, sizeof(pp));
	pp.spp_address.ss_family = AF_CONN;
	pp.spp_flags = SPP_PMTUD_DISABLE;
	pp.spp_pathmtu = mtu;
	if (hb_ms > 0) {
		pp.spp_flags |= SPP_HB_ENABLE;
		pp.spp_hbinterval = hb_ms;
	}
	if (usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp)) < 0)
		return -1;
	return 0;
}

static void us_sconn(struct sockaddr_conn *sc, uintptr_t addr, uint16_t port) {
	memset(sc, 0, sizeof(*sc));
	sc->sconn_family = AF_CONN;
	sc->sconn_port = htons(port);
	sc->sconn_addr = (void *)addr;
}

static int us_bind(struct socket *s, uintptr_t addr, uint16_t port) {
	struct sockaddr_conn sc;
	us_sconn(&sc, addr, port);
	return usrsctp_bind(s, (struct sockaddr *)&sc, sizeof(sc));
}

static int us_connect(struct socket *s, uintptr_t addr, uint16_t port) {
	struct sockaddr_conn sc;
	us_sconn(&sc, addr, port);
	return usrsctp_connect(s, (struct sockaddr *)&sc, sizeof(sc));
}

static struct socket *us_accept(struct socket *s) {
	return usrsctp_accept(s, NULL, NULL);
}

static ssize_t us_send(struct socket *s, const void *data, size_t len, uint16_t sid, uint32_t ppid, uint16_t flags) {
	struct sctp_sndinfo si;
	memset(&si, 0, sizeof(si));
	si.snd_sid = sid;
	si.snd_ppid = htonl(ppid);
	si.snd_flags = flags;
	return usrsctp_sendv(s, data, len, NULL, 0, &si, sizeof(si), SCTP_SENDV_SNDINFO, 0);
}

static ssize_t us_recv(struct socket *s, void *buf, size_t len, uint16_t *sid, uint32_t *ppid, uint16_t *rflags, int *msg_flags) {
	struct sctp_rcvinfo ri;
	struct sockaddr_conn from;
	socklen_t fromlen = sizeof(from), infolen = sizeof(ri);
	unsigned int infotype = 0;
	int flags = 0;
	ssize_t n;

	memset(&ri, 0, sizeof(ri));
	n = usrsctp_recvv(s, buf, len, (struct sockaddr *)&from, &fromlen, &ri, &infolen, &infotype, &flags);
	if (n >= 0 && infotype == SCTP_RECVV_RCVINFO) {
		*sid = ri.rcv_sid;
		*ppid = ntohl(ri.rcv_ppid);
		*rflags = ri.rcv_flags;
	}
	*msg_flags = flags;
	return n;
}

static int us_shutdown(struct socket *s, int how) { return usrsctp_shutdown(s, how); }

// us_outstanding returns the DATA chunks sent and not acknowledged plus
// those not sent yet (SCTP_STATUS), or -1.
static int us_outstanding(struct socket *s) {
	struct sctp_status st;
	socklen_t len = sizeof(st);
	memset(&st, 0, sizeof(st));
	if (usrsctp_getsockopt(s, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
		return -1;
	return st.sstat_unackdata + st.sstat_penddata;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Config holds usrsctp's process-wide settings; they apply to sockets
// created afterwards. Times are in milliseconds.
type Config struct {
	RTOMin, RTOInitial, RTOMax uint32
}

var (
	initOnce sync.Once

	addrMu sync.Mutex
	// +checklocks:addrMu
	outputs  = map[uintptr]func([]byte){}
	nextAddr atomic.Uintptr
)

// Init starts usrsctp once per process (usrsctp is a process-wide
// singleton and cannot be restarted reliably); later calls do nothing and
// their Config is ignored.
//
// usrsctp is started without its own threads (usrsctp_init_nothreads): its
// timers are driven by a goroutine calling usrsctp_handle_timers every 10
// ms, as usrsctp's timer thread would. The threaded start would also open
// raw IPPROTO_SCTP sockets on the machine (the tests run as root) and answer
// kernel SCTP traffic of unrelated tests with ABORTs.
func Init(c Config) {
	initOnce.Do(func() {
		C.us_init(C.uint32_t(c.RTOMin), C.uint32_t(c.RTOInitial), C.uint32_t(c.RTOMax))
		go tick()
	})
}

// tick drives usrsctp's timers with the real elapsed time.
func tick() {
	last := time.Now()
	for {
		time.Sleep(10 * time.Millisecond)
		now := time.Now()
		C.usrsctp_handle_timers(C.uint32_t(now.Sub(last).Milliseconds()))
		last = last.Add(time.Duration(now.Sub(last).Milliseconds()) * time.Millisecond)
	}
}

// Addr is an AF_CONN address: an opaque pointer-sized value naming one
// lower layer, here one bridge to a simulated link.
type Addr uintptr

// Register creates an AF_CONN address whose packets go to out. out runs on
// usrsctp's calling thread with usrsctp's locks held: it must copy nothing
// it keeps (it gets its own slice), must not block and must not call into
// usrsctp.
func Register(out func(pkt []byte)) Addr {
	a := nextAddr.Add(1)
	addrMu.Lock()
	outputs[a] = out
	addrMu.Unlock()
	C.us_register(C.uintptr_t(a))
	return Addr(a)
}

// Deregister removes a; packets usrsctp still sends to it are dropped.
func (a Addr) Deregister() {
	C.us_deregister(C.uintptr_t(a))
	addrMu.Lock()
	delete(outputs, uintptr(a))
	addrMu.Unlock()
}

func lookup(a uintptr) func([]byte) {
	addrMu.Lock()
	defer addrMu.Unlock()
	return outputs[a]
}

// Input gives usrsctp an SCTP packet received on a. usrsctp checks the
// CRC32c (no offload is enabled) and may send packets, through the output
// function, before Input returns.
func (a Addr) Input(pkt []byte) {
	if len(pkt) == 0 {
		return
	}
	C.us_input(C.uintptr_t(a), unsafe.Pointer(&pkt[0]), C.size_t(len(pkt)))
}

// SocketConfig is per socket.
type SocketConfig struct {
	// OutStreams is the number of outbound streams asked for.
	OutStreams uint16
	// MTU is the fixed path MTU: the largest SCTP packet usrsctp sends.
	MTU uint32
	// Heartbeat, if positive, is the heartbeat interval.
	Heartbeat time.Duration
}

// Socket is a one-to-one (SOCK_STREAM) usrsctp socket in blocking mode.
type Socket struct {
	s      *C.struct_socket
	closed atomic.Bool
}

func newSocket(a Addr, port uint16, c SocketConfig) (*Socket, error) {
	s, err := C.us_socket()
	if s == nil {
		return nil, fmt.Errorf("usrsctp_socket: %w", err)
	}
	sock := &Socket{s: s}
	if r, err := C.us_setup(s, C.uint16_t(c.OutStreams), C.uint32_t(c.MTU), C.uint32_t(c.Heartbeat.Milliseconds())); r < 0 {
		sock.Close()
		return nil, fmt.Errorf("usrsctp_setsockopt: %w", err)
	}
	if r, err := C.us_bind(s, C.uintptr_t(a), C.uint16_t(port)); r < 0 {
		sock.Close()
		return nil, fmt.Errorf("usrsctp_bind port %d: %w", port, err)
	}
	return sock, nil
}

// Dial connects from port on a to remotePort across a, blocking until the
// association is up or fails.
func Dial(a Addr, port, remotePort uint16, c SocketConfig) (*Socket, error) {
	s, err := newSocket(a, port, c)
	if err != nil {
		return nil, err
	}
	if r, err := C.us_connect(s.s, C.uintptr_t(a), C.uint16_t(remotePort)); r < 0 {
		s.Close()
		return nil, fmt.Errorf("usrsctp_connect: %w", err)
	}
	return s, nil
}

// Listen returns a listening socket on port at a.
func Listen(a Addr, port uint16, c SocketConfig) (*Socket, error) {
	s, err := newSocket(a, port, c)
	if err != nil {
		return nil, err
	}
	if r, err := C.usrsctp_listen(s.s, 1); r < 0 {
		s.Close()
		return nil, fmt.Errorf("usrsctp_listen: %w", err)
	}
	return s, nil
}

// Accept blocks until an association arrives.
func (s *Socket) Accept() (*Socket, error) {
	c, err := C.us_accept(s.s)
	if c == nil {
		return nil, fmt.Errorf("usrsctp_accept: %w", err)
	}
	return &Socket{s: c}, nil
}

// Send sends b as one message on stream with ppid, unordered if asked. It
// blocks while the send buffer is full.
func (s *Socket) Send(b []byte, stream uint16, ppid uint32, unordered bool) error {
	var flags C.uint16_t
	if unordered {
		flags = C.SCTP_UNORDERED
	}
	return s.send(b, stream, ppid, flags)
}

func (s *Socket) send(b []byte, stream uint16, ppid uint32, flags C.uint16_t) error {
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	n, err := C.us_send(s.s, p, C.size_t(len(b)), C.uint16_t(stream), C.uint32_t(ppid), flags)
	if n < 0 {
		return fmt.Errorf("usrsctp_sendv: %w", err)
	}
	return nil
}

// Abort sends an ABORT with a User-Initiated Abort cause carrying reason
// (SCTP_ABORT, RFC 6458 5.3.4).
func (s *Socket) Abort(reason []byte) error {
	return s.send(reason, 0, 0, C.SCTP_ABORT)
}

// RecvInfo describes what Recv returned.
type RecvInfo struct {
	Stream    uint16
	PPID      uint32
	Unordered bool
	// EOR reports that the bytes end the message (MSG_EOR).
	EOR bool
}

// ErrEOF is returned by Recv once the peer has shut the association down.
var ErrEOF = errors.New("usrsctp: end of association")

// Recv reads the next message, or part of it when buf is short.
func (s *Socket) Recv(buf []byte) (int, RecvInfo, error) {
	var (
		sid      C.uint16_t
		ppid     C.uint32_t
		rflags   C.uint16_t
		msgFlags C.int
		info     RecvInfo
	)
	for {
		n, err := C.us_recv(s.s, unsafe.Pointer(&buf[0]), C.size_t(len(buf)), &sid, &ppid, &rflags, &msgFlags)
		switch {
		case n < 0:
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			return 0, info, fmt.Errorf("usrsctp_recvv: %w", err)
		case n == 0 && msgFlags&C.MSG_EOR == 0:
			return 0, info, ErrEOF
		case msgFlags&C.MSG_NOTIFICATION != 0:
			continue
		}
		info = RecvInfo{
			Stream:    uint16(sid),
			PPID:      uint32(ppid),
			Unordered: rflags&C.SCTP_UNORDERED != 0,
			EOR:       msgFlags&C.MSG_EOR != 0,
		}
		return int(n), info, nil
	}
}

// Outstanding returns the number of DATA chunks not yet acknowledged by the
// peer, sent or not (SCTP_STATUS sstat_unackdata + sstat_penddata).
func (s *Socket) Outstanding() (int, error) {
	n, err := C.us_outstanding(s.s)
	if n < 0 {
		return 0, fmt.Errorf("usrsctp_getsockopt(SCTP_STATUS): %w", err)
	}
	return int(n), nil
}

// ShutdownWrite starts the graceful shutdown (SHUTDOWN once the data sent
// is acknowledged).
func (s *Socket) ShutdownWrite() error {
	if r, err := C.us_shutdown(s.s, C.SHUT_WR); r < 0 {
		return fmt.Errorf("usrsctp_shutdown: %w", err)
	}
	return nil
}

// Close releases the socket (usrsctp_close). With the association still
// up usrsctp starts a graceful shutdown. Recv must not be running.
func (s *Socket) Close() {
	if s.closed.Swap(true) {
		return
	}
	C.usrsctp_close(s.s)
}
