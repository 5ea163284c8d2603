package projections

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/parcours/parcours/eventstore"
)

// Checkpoints tell a Subscriber where a topic's consumer stands.
type Checkpoints interface {
	// Load returns the position of the last event the consumer of key
	// handled (Start if none).
	Load(ctx context.Context, key string) (eventstore.Position, error)
	// Save records it. Projections save their checkpoint themselves, in
	// the read model's transaction; Save is for consumers that commit on
	// Ack.
	Save(ctx context.Context, key string, pos eventstore.Position) error
}

// SubscriberConfig configures a Subscriber.
type SubscriberConfig struct {
	Checkpoints Checkpoints
	// ConsumerGroup names the consumer: its checkpoint key is
	// "GROUP/TOPIC".
	ConsumerGroup string
	// CommitOnAck saves the checkpoint when a message is acked. Leave it
	// off when the handler commits the checkpoint with its own changes.
	CommitOnAck bool
	// Filter says which events a topic carries. The default carries the
	// messages published to the topic through Publisher.
	Filter func(topic string, e eventstore.Event) bool
	// Backoff between resubscriptions after a store error (default 1s).
	Backoff time.Duration
	// MaxBatch, above 1, lets a message carry up to MaxBatch consecutive
	// events of the topic (MetaBatch; EventsOf returns them): those
	// already read from the log when the previous message is acked. A
	// subscription that is behind thus hands its handler a backlog in a
	// few messages, which a projection applies in one transaction each;
	// one that keeps up still delivers each event alone, as soon as it is
	// read. For stored events only: messages published through Publisher
	// cannot travel in a batch.
	MaxBatch int
	Log      *slog.Logger
}

// Subscriber is a Watermill message.Subscriber over the global log of an
// event store: each subscription reads the log from its checkpoint
// (excluded), catches up, then follows live, delivering one message at a
// time in log order; the next message comes only after the previous one
// is acked, and a nacked message is delivered again.
type Subscriber struct {
	store  follower
	cfg    SubscriberConfig
	mu     sync.Mutex
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
	stops  map[string][]context.CancelFunc
}

var _ message.Subscriber = (*Subscriber)(nil)

// NewSubscriber returns a subscriber over store.
func NewSubscriber(store eventstore.Store, cfg SubscriberConfig) *Subscriber {
	return newSubscriber(store, cfg)
}

// newSubscriber returns a subscriber that reads the log through f.
func newSubscriber(store follower, cfg SubscriberConfig) *Subscriber {
	if cfg.Filter == nil {
		cfg.Filter = func(topic string, e eventstore.Event) bool { return e.Stream == TopicStream(topic) }
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Subscriber{store: store, cfg: cfg, done: make(chan struct{}), stops: map[string][]context.CancelFunc{}}
}

// ErrSubscriberClosed: Subscribe after Close.
var ErrSubscriberClosed = errors.New("subscriber closed")

func (s *Subscriber) key(topic string) string {
	if s.cfg.ConsumerGroup == "" {
		return topic
	}
	return s.cfg.ConsumerGroup + "/" + topic
}

// Subscribe implements message.Subscriber.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrSubscriberClosed
	}
	from, err := s.cfg.Checkpoints.Load(ctx, s.key(topic))
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", topic, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	s.stops[topic] = append(s.stops[topic], cancel)
	out := make(chan *message.Message)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(out)
		defer cancel()
		s.follow(ctx, topic, from, out)
	}()
	return out, nil
}

// Stop ends every subscription to topic (a projection stopped by a poison
// event); their channels close.
func (s *Subscriber) Stop(topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cancel := range s.stops[topic] {
		cancel()
	}
	delete(s.stops, topic)
}

// Close implements message.Subscriber: it ends every subscription and
// waits for their channels to close.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
		for _, cancels := range s.stops {
			for _, cancel := range cancels {
				cancel()
			}
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// follow delivers topic's events after from until ctx ends, resubscribing
// after store errors: one by one, or with MaxBatch above 1 in batches of
// what the subscription has read ahead (pump).
func (s *Subscriber) follow(ctx context.Context, topic string, from eventstore.Position, out chan<- *message.Message) {
	once := s.deliverEach
	if s.cfg.MaxBatch > 1 {
		once = s.pump
	}
	for {
		err := once(ctx, topic, &from, out)
		if ctx.Err() != nil {
			return
		}
		s.cfg.Log.Warn("subscription to the event log failed; resubscribing", slog.String("topic", topic), slog.Any("err", err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.cfg.Backoff):
		}
	}
}

// deliverEach runs one subscription of the store from *from, delivering
// each event of the topic in a message of its own and moving *from past
// it, until the subscription fails or ctx ends.
func (s *Subscriber) deliverEach(ctx context.Context, topic string, from *eventstore.Position, out chan<- *message.Message) error {
	return s.store.Subscribe(ctx, *from, func(e eventstore.Event) error {
		if s.cfg.Filter(topic, e) {
			if err := s.deliver(ctx, topic, e, out); err != nil {
				return err
			}
		}
		*from = e.Position
		return nil
	})
}

// pump runs one subscription of the store from *from, delivering its
// events in batches and moving *from past each batch acked, until the
// subscription fails (its error) or ctx ends. Events read but not
// delivered when it fails are read again by the next subscription.
func (s *Subscriber) pump(ctx context.Context, topic string, from *eventstore.Position, out chan<- *message.Message) error {
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	buf := make(chan eventstore.Event, s.cfg.MaxBatch)
	ended := make(chan error, 1)
	go func() {
		ended <- s.store.Subscribe(subCtx, *from, func(e eventstore.Event) error {
			if !s.cfg.Filter(topic, e) {
				return nil
			}
			select {
			case buf <- e:
				return nil
			case <-subCtx.Done():
				return subCtx.Err()
			}
		})
	}()
	defer func() { cancel(); <-ended }()
	batch := make([]eventstore.Event, 0, s.cfg.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case e := <-buf:
			batch = append(batch, e)
		case err := <-ended:
			ended <- err // for the deferred wait
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	more:
		for len(batch) < s.cfg.MaxBatch {
			select {
			case e := <-buf:
				batch = append(batch, e)
			default:
				break more
			}
		}
		if err := s.deliverBatch(ctx, topic, batch, out); err != nil {
			return err
		}
		*from = batch[len(batch)-1].Position
	}
}

// deliver sends e until it is acked.
func (s *Subscriber) deliver(ctx context.Context, topic string, e eventstore.Event, out chan<- *message.Message) error {
	return s.deliverBatch(ctx, topic, []eventstore.Event{e}, out)
}

// deliverBatch sends events, as one message, until it is acked.
func (s *Subscriber) deliverBatch(ctx context.Context, topic string, events []eventstore.Event, out chan<- *message.Message) error {
	e := events[len(events)-1]
	for {
		msgCtx, cancel := context.WithCancel(ctx)
		msg, err := toBatchMessage(msgCtx, events)
		if err != nil {
			cancel()
			return err
		}
		select {
		case out <- msg:
		case <-ctx.Done():
			cancel()
			return ctx.Err()
		}
		select {
		case <-msg.Acked():
			cancel()
			// The ack happened: record it even if the subscription is
			// ending meanwhile.
			return s.commit(context.WithoutCancel(ctx), topic, e)
		case <-msg.Nacked():
			cancel()
		case <-ctx.Done():
			cancel()
			select {
			case <-msg.Acked(): // acked just before the subscription ended
				if err := s.commit(context.WithoutCancel(ctx), topic, e); err != nil {
					return err
				}
			default:
			}
			return ctx.Err()
		}
	}
}

func (s *Subscriber) commit(ctx context.Context, topic string, e eventstore.Event) error {
	if !s.cfg.CommitOnAck {
		return nil
	}
	if err := s.cfg.Checkpoints.Save(ctx, s.key(topic), e.Position); err != nil {
		return fmt.Errorf("save checkpoint of %s: %w", topic, err)
	}
	return nil
}

// TopicStream is the stream that holds the messages of a topic published
// through Publisher.
func TopicStream(topic string) string {
	var b strings.Builder
	b.WriteString("topic-")
	for _, c := range topic {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.:@", c)) {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
