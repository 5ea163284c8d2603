package kurrentdb

import (
	"bytes"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeServer is an in-process stand-in for the KurrentDB gRPC streams
// service, written from the wire protocol the v4 client speaks (appends with
// an expected revision, stream and $all reads, catch-up subscriptions with a
// stream filter). It lets the unit tests drive the real client, so that the
// client's own error values and the adapter's requests are exercised without
// a server. It is NOT KurrentDB: where the real server's behaviour is a
// guess (positions, inclusive reads, de-duplication), it follows the
// server's documentation, and only the live conformance test settles it.
type fakeServer struct {
	api.UnimplementedStreamsServer

	mu      sync.Mutex
	log     []fakeRecord
	streams map[string][]int // indexes into log, by revision
	wake    chan struct{}    // closed at each append

	// Test knobs.
	maxAppend int                // bytes of data per append; default 1 MiB
	dropAfter int                // end each subscription with Unavailable after this many events (0: never)
	subFrom   []esdb.AllPosition // where each subscription asked to start
	appends   []*api.AppendReq   // every append header received
	proposed  [][]*api.AppendReq_ProposedMessage
}

type fakeRecord struct {
	stream       string
	rev, pos     uint64
	id           uuid.UUID
	typ          string
	data, custom []byte
}

// startFake serves a fake server on a local port, with a few system events
// already in $all, and returns it with its connection string.
func startFake(t *testing.T) (*fakeServer, string) {
	t.Helper()
	f := &fakeServer{streams: map[string][]int{}, wake: make(chan struct{}), maxAppend: 1 << 20}
	for i := 0; i < 3; i++ {
		f.add("$stats-127.0.0.1:2113", uuid.New(), "$statsCollected", []byte(`{}`), nil)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	api.RegisterStreamsServer(gs, f)
	go gs.Serve(lis)
	t.Cleanup(gs.Stop)
	return f, "esdb://" + lis.Addr().String() + "?tls=false&maxDiscoverAttempts=1"
}

// add appends one record; f.mu must be held (or the server not yet shared).
func (f *fakeServer) add(stream string, id uuid.UUID, typ string, data, custom []byte) {
	pos := uint64(1000)
	if n := len(f.log); n > 0 {
		pos = f.log[n-1].pos + 100 + uint64(len(data))
	}
	rev := uint64(len(f.streams[stream]))
	f.streams[stream] = append(f.streams[stream], len(f.log))
	f.log = append(f.log, fakeRecord{stream: stream, rev: rev, pos: pos, id: id, typ: typ, data: data, custom: custom})
}

// Append implements the streams service's append.
func (f *fakeServer) Append(srv api.Streams_AppendServer) error {
	head, err := srv.Recv()
	if err != nil {
		return err
	}
	opts := head.GetOptions()
	var msgs []*api.AppendReq_ProposedMessage
	size := 0
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetProposedMessage())
		size += len(req.GetProposedMessage().GetData())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.appends, f.proposed = append(f.appends, head), append(f.proposed, msgs)
	if size > f.maxAppend {
		return status.Errorf(codes.InvalidArgument, "Maximum Append Size of %d Exceeded.", f.maxAppend)
	}
	name := string(opts.GetStreamIdentifier().GetStreamName())
	cur := int64(len(f.streams[name])) - 1
	ok := true
	switch e := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_NoStream:
		ok = cur < 0
	case *api.AppendReq_Options_StreamExists:
		ok = cur >= 0
	case *api.AppendReq_Options_Revision:
		ok = cur == int64(e.Revision)
		if int64(e.Revision) < cur && f.sameIDs(name, e.Revision+1, msgs) {
			return srv.SendAndClose(f.success(name)) // the server's idempotent retry
		}
	}
	if !ok {
		wrong := &api.AppendResp_WrongExpectedVersion{}
		if cur < 0 {
			wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		} else {
			wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(cur)}
		}
		return srv.SendAndClose(&api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: wrong}})
	}
	for _, m := range msgs {
		s := m.GetId().GetStructured()
		id, _ := esdb.ParseUUIDFromInt64(s.GetMostSignificantBits(), s.GetLeastSignificantBits())
		f.add(name, id, m.GetMetadata()["type"], m.GetData(), m.GetCustomMetadata())
	}
	close(f.wake)
	f.wake = make(chan struct{})
	return srv.SendAndClose(f.success(name))
}

func (f *fakeServer) sameIDs(stream string, from uint64, msgs []*api.AppendReq_ProposedMessage) bool {
	idx := f.streams[stream]
	if uint64(len(idx)) < from+uint64(len(msgs)) {
		return false
	}
	for i, m := range msgs {
		s := m.GetId().GetStructured()
		id, _ := esdb.ParseUUIDFromInt64(s.GetMostSignificantBits(), s.GetLeastSignificantBits())
		if f.log[idx[from+uint64(i)]].id != id {
			return false
		}
	}
	return true
}

func (f *fakeServer) success(stream string) *api.AppendResp {
	last := f.log[f.streams[stream][len(f.streams[stream])-1]]
	return &api.AppendResp{Result: &api.AppendResp_Success_{Success: &api.AppendResp_Success{
		CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: last.rev},
		PositionOption:        &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{CommitPosition: last.pos, PreparePosition: last.pos}},
	}}}
}

// inject stores a raw event, as another tool writing to the server would.
func (f *fakeServer) inject(stream, typ string, data, custom []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.add(stream, uuid.New(), typ, bytes.Clone(data), bytes.Clone(custom))
	close(f.wake)
	f.wake = make(chan struct{})
}

// setDropAfter makes every later subscription drop after n events.
func (f *fakeServer) setDropAfter(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropAfter = n
}

// requests returns copies of what the server received.
func (f *fakeServer) requests() (appends []*api.AppendReq, proposed [][]*api.AppendReq_ProposedMessage, subFrom []esdb.AllPosition) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.appends), slices.Clone(f.proposed), slices.Clone(f.subFrom)
}
