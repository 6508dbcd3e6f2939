package receiver

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/event"
	"github.com/interakt-community/terraform-provider-interakt/internal/receiver/store"
)

var (
	// errCommitTimeout means the store did not commit within the budget.
	errCommitTimeout = errors.New("store did not commit in time")
	// errClosed means the server is shutting down.
	errClosed = errors.New("receiver is shutting down")
)

// committer is the single writer: it gathers the events that requests
// submit into batches and commits each batch in one transaction, so that
// one fsync (or one PostgreSQL round trip) serves many webhooks. Each
// request waits for its own event's result, at most the commit budget.
type committer struct {
	store    store.Store
	queue    chan *pending
	maxBatch int
	window   time.Duration
	budget   time.Duration
	metrics  *metrics
	logger   *slog.Logger

	closed    atomic.Bool
	closeOnce sync.Once
	quit      chan struct{}
	stopped   chan struct{}
}

// pending is one submitted event waiting for its commit.
type pending struct {
	event    event.Event
	deadline time.Time
	done     chan result // buffered: the writer never blocks on it
}

type result struct {
	outcome store.Outcome
	err     error
}

func newCommitter(s store.Store, maxBatch int, window, budget time.Duration, m *metrics, logger *slog.Logger) *committer {
	c := &committer{
		store:    s,
		queue:    make(chan *pending, 4*maxBatch),
		maxBatch: maxBatch,
		window:   window,
		budget:   budget,
		metrics:  m,
		logger:   logger,
		quit:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	go c.run()
	return c
}

// submit queues an event and waits until it is committed. It returns an
// error when the event could not be committed within the budget; the
// event may still be committed later, which is harmless: the sender
// retries and the retry is a duplicate.
func (c *committer) submit(ctx context.Context, ev event.Event) (store.Outcome, error) {
	if c.closed.Load() {
		return 0, errClosed
	}
	timer := time.NewTimer(c.budget)
	defer timer.Stop()
	p := &pending{event: ev, deadline: time.Now().Add(c.budget), done: make(chan result, 1)}
	select {
	case c.queue <- p:
	case <-timer.C:
		return 0, errCommitTimeout
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-c.stopped:
		return 0, errClosed
	}
	select {
	case r := <-p.done:
		return r.outcome, r.err
	case <-timer.C:
		return 0, errCommitTimeout
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-c.stopped:
		// The writer may have answered just before it stopped.
		select {
		case r := <-p.done:
			return r.outcome, r.err
		default:
			return 0, errClosed
		}
	}
}

// close stops taking events, commits those already queued and waits for
// the writer to finish.
func (c *committer) close() {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		close(c.quit)
	})
	<-c.stopped
}

func (c *committer) run() {
	defer close(c.stopped)
	batch := make([]*pending, 0, c.maxBatch)
	for {
		select {
		case p := <-c.queue:
			batch = c.gather(append(batch[:0], p))
			c.commit(batch)
		case <-c.quit:
			for {
				batch = c.drain(batch[:0])
				if len(batch) == 0 {
					return
				}
				c.commit(batch)
			}
		}
	}
}

// gather adds queued events to batch until it is full or, when a window
// is set, until the window has passed.
func (c *committer) gather(batch []*pending) []*pending {
	batch = c.drain(batch)
	if c.window <= 0 || len(batch) >= c.maxBatch {
		return batch
	}
	timer := time.NewTimer(c.window)
	defer timer.Stop()
	for len(batch) < c.maxBatch {
		select {
		case p := <-c.queue:
			batch = append(batch, p)
		case <-timer.C:
			return batch
		case <-c.quit:
			return batch
		}
	}
	return batch
}

// drain adds the events already queued, without waiting.
func (c *committer) drain(batch []*pending) []*pending {
	for len(batch) < c.maxBatch {
		select {
		case p := <-c.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

func (c *committer) commit(batch []*pending) {
	now := time.Now()
	live := make([]*pending, 0, len(batch))
	for _, p := range batch {
		if now.After(p.deadline) {
			// Its request has already answered 503; the sender will retry.
			p.done <- result{err: errCommitTimeout}
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return
	}
	c.metrics.batchSize.Observe(float64(len(live)))
	ctx, cancel := context.WithTimeout(context.Background(), c.budget)
	defer cancel()
	c.apply(ctx, live)
}

// apply commits batch. When the commit fails for another reason than the
// budget running out, it splits the batch in two and tries each half, so
// that one event the database refuses cannot keep the others out.
func (c *committer) apply(ctx context.Context, batch []*pending) {
	events := make([]event.Event, len(batch))
	for i, p := range batch {
		events[i] = p.event
	}
	start := time.Now()
	outcomes, err := c.store.Apply(ctx, events)
	c.metrics.commitDuration.Observe(time.Since(start).Seconds())
	if err == nil && len(outcomes) != len(batch) {
		err = errors.New("store returned the wrong number of outcomes")
	}
	if err == nil {
		for i, p := range batch {
			switch outcomes[i] {
			case store.Stored:
				c.metrics.stored.Inc()
			case store.Duplicate:
				c.metrics.duplicates.Inc()
			}
			p.done <- result{outcome: outcomes[i]}
		}
		return
	}
	c.metrics.commitErrors.Inc()
	if len(batch) > 1 && ctx.Err() == nil {
		mid := len(batch) / 2
		c.apply(ctx, batch[:mid])
		c.apply(ctx, batch[mid:])
		return
	}
	if ctx.Err() != nil {
		err = errors.Join(errCommitTimeout, err)
	}
	c.logger.Error("commit failed", "events", len(batch), "error", err)
	for _, p := range batch {
		p.done <- result{err: err}
	}
}
