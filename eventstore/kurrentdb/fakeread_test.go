package kurrentdb

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Read implements stream reads, $all reads and $all subscriptions.
func (f *fakeServer) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	o := req.GetOptions()
	backwards := o.GetReadDirection() == api.ReadReq_Options_Backwards
	if st := o.GetStream(); st != nil {
		return f.readStream(st, backwards, o.GetCount(), srv)
	}
	all := o.GetAll()
	if o.GetSubscription() != nil {
		return f.subscribe(all, o.GetFilter(), srv)
	}
	f.mu.Lock()
	var recs []fakeRecord
	for i := range f.log {
		j := i
		if backwards {
			j = len(f.log) - 1 - i
		}
		r := f.log[j]
		if p := all.GetPosition(); p != nil && (backwards && r.pos > p.GetCommitPosition() || !backwards && r.pos < p.GetCommitPosition()) {
			continue
		}
		if all.GetEnd() != nil && !backwards {
			break
		}
		if uint64(len(recs)) == o.GetCount() {
			break
		}
		recs = append(recs, r)
	}
	f.mu.Unlock()
	return sendAll(srv, recs)
}

func (f *fakeServer) readStream(st *api.ReadReq_Options_StreamOptions, backwards bool, count uint64, srv api.Streams_ReadServer) error {
	name := string(st.GetStreamIdentifier().GetStreamName())
	f.mu.Lock()
	idx := f.streams[name]
	if len(idx) == 0 {
		f.mu.Unlock()
		return srv.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{StreamIdentifier: st.GetStreamIdentifier()}}})
	}
	last := int64(len(idx)) - 1
	from := int64(0)
	switch r := st.GetRevisionOption().(type) {
	case *api.ReadReq_Options_StreamOptions_Revision:
		from = int64(r.Revision)
	case *api.ReadReq_Options_StreamOptions_End:
		from = last + 1
	}
	var recs []fakeRecord
	for rev := from; uint64(len(recs)) < count; {
		if backwards {
			// A backwards read from past the end starts at the last event.
			rev = min(rev, last)
			if rev < 0 {
				break
			}
			recs = append(recs, f.log[idx[rev]])
			rev--
			continue
		}
		if rev > last {
			break
		}
		recs = append(recs, f.log[idx[rev]])
		rev++
	}
	f.mu.Unlock()
	return sendAll(srv, recs)
}

func (f *fakeServer) subscribe(all *api.ReadReq_Options_AllOptions, filter *api.ReadReq_Options_FilterOptions, srv api.Streams_ReadServer) error {
	keep := func(string) bool { return true }
	if e := filter.GetStreamIdentifier(); e != nil {
		re := regexp.MustCompile(e.GetRegex())
		keep = func(s string) bool {
			for _, p := range e.GetPrefix() {
				if strings.HasPrefix(s, p) {
					return true
				}
			}
			return e.GetRegex() != "" && re.MatchString(s)
		}
	}
	f.mu.Lock()
	next, dropAfter := 0, f.dropAfter
	if p := all.GetPosition(); p != nil {
		f.subFrom = append(f.subFrom, esdb.Position{Commit: p.GetCommitPosition(), Prepare: p.GetPreparePosition()})
		for next < len(f.log) && f.log[next].pos <= p.GetCommitPosition() { // excluded
			next++
		}
	} else {
		f.subFrom = append(f.subFrom, esdb.Start{})
	}
	f.mu.Unlock()
	if err := srv.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{Confirmation: &api.ReadResp_SubscriptionConfirmation{SubscriptionId: "fake"}}}); err != nil {
		return err
	}
	sent := 0
	for {
		f.mu.Lock()
		recs, wake := append([]fakeRecord(nil), f.log[next:]...), f.wake
		next = len(f.log)
		f.mu.Unlock()
		for _, r := range recs {
			if !keep(r.stream) {
				continue
			}
			if dropAfter > 0 && sent == dropAfter {
				return status.Error(codes.Unavailable, "fake: subscription dropped")
			}
			if err := sendAll(srv, []fakeRecord{r}); err != nil {
				return err
			}
			sent++
		}
		select {
		case <-srv.Context().Done():
			return srv.Context().Err()
		case <-wake:
		}
	}
}

func sendAll(srv api.Streams_ReadServer, recs []fakeRecord) error {
	for _, r := range recs {
		most, least := esdb.UUIDAsInt64(r.id)
		ev := &api.ReadResp_ReadEvent_RecordedEvent{
			Id:               &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{MostSignificantBits: most, LeastSignificantBits: least}}},
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(r.stream)},
			StreamRevision:   r.rev,
			PreparePosition:  r.pos,
			CommitPosition:   r.pos,
			Metadata:         map[string]string{"type": r.typ, "content-type": "application/json", "created": strconv.FormatInt(time.Now().UnixNano()/100, 10)},
			CustomMetadata:   r.custom,
			Data:             r.data,
		}
		resp := &api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{Event: ev, Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: r.pos}}}}
		if err := srv.Send(resp); err != nil {
			return err
		}
	}
	return nil
}
