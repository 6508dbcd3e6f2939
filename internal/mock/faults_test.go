package mock

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestFaultStatuses(t *testing.T) {
	s := New(Options{Faults: Faults{ByRequest: map[int]Fault{
		1: Fault429, 2: Fault429NoRetryAfter, 3: Fault500, 4: Fault502, 5: Fault503,
	}}})
	cases := []struct {
		status     int
		message    string
		retryAfter string
	}{
		{http.StatusTooManyRequests, MsgRateLimited, "1"},
		{http.StatusTooManyRequests, MsgRateLimited, ""},
		{http.StatusInternalServerError, "Internal Server Error", ""},
		{http.StatusBadGateway, "Bad Gateway", ""},
		{http.StatusServiceUnavailable, "Service Unavailable", ""},
	}
	for i, tc := range cases {
		w := send(t, s, orderShipped())
		wantFailure(t, w, tc.status, tc.message)
		if got := w.Header().Get("Retry-After"); got != tc.retryAfter {
			t.Errorf("request %d: Retry-After = %q, want %q", i+1, got, tc.retryAfter)
		}
	}
	if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
		t.Errorf("request 6 without fault: %d", w.Code)
	}
	if s.SentCount() != 1 || s.Count429ByLimit() != 0 {
		t.Errorf("SentCount() = %d, Count429ByLimit() = %d; want 1 and 0", s.SentCount(), s.Count429ByLimit())
	}
	for _, r := range s.SendRequests()[:5] {
		if r.Fault == FaultNone || r.Sent || r.RateLimited {
			t.Errorf("request %d: fault %v, sent %v, rate limited %v", r.N, r.Fault, r.Sent, r.RateLimited)
		}
	}
}

func TestFaultEvery429(t *testing.T) {
	s := New(Options{Faults: Faults{Every429: 3, ByRequest: map[int]Fault{6: FaultNone}}})
	var statuses []int
	for range 9 {
		statuses = append(statuses, send(t, s, orderShipped()).Code)
	}
	want := []int{201, 201, 429, 201, 201, 201, 201, 201, 429}
	for i := range want {
		if statuses[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", statuses, want)
		}
	}
	s.UpdateFaults(func(f *Faults) { f.Every429NoRetryAfter = true; f.Every429 = 1 })
	w := send(t, s, orderShipped())
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "" {
		t.Errorf("no-Retry-After 429: status %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if got := s.Count429ByLimit(); got != 0 {
		t.Errorf("Count429ByLimit() = %d; injected 429s were counted", got)
	}
}

func TestFaultInjected429TakesNoRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: 1, Window: time.Minute, Faults: Faults{ByRequest: map[int]Fault{1: Fault429}}})
		defer closeServer(t, s)
		send(t, s, orderShipped())
		if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
			t.Errorf("after an injected 429: %d", w.Code)
		}
	})
}

func TestFaultAnswersAfterSending(t *testing.T) {
	s := New(Options{Faults: Faults{ByRequest: map[int]Fault{1: FaultMalformedBody, 2: FaultNoID}}})
	w := send(t, s, orderShipped())
	if w.Code != http.StatusCreated || w.Body.String() != `{"result":tr` {
		t.Errorf("malformed body: %d %q", w.Code, w.Body)
	}
	w = send(t, s, orderShipped())
	answer := decodeAnswer(t, w.Body.Bytes())
	if w.Code != http.StatusCreated || !answer.Result || answer.ID != "" {
		t.Errorf("no id: %d %+v", w.Code, answer)
	}
	sent := s.Sent()
	if len(sent) != 2 || sent[0].ID == "" || sent[1].ID == "" {
		t.Errorf("Sent() = %+v; both messages were sent, with ids", sent)
	}
}

func TestFaultsStillValidate(t *testing.T) {
	s := New(Options{Faults: Faults{ByRequest: map[int]Fault{1: FaultNoID}}})
	m := orderShipped()
	m.Template.BodyValues = nil
	wantFailure(t, send(t, s, m), http.StatusBadRequest, MsgMissingBodyValues(2))
}

func TestFaultSlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Faults: Faults{SlowDelay: time.Minute, ByRequest: map[int]Fault{1: FaultSlow}}})
		defer closeServer(t, s)
		done := make(chan int)
		go func() { done <- send(t, s, orderShipped()).Code }()
		synctest.Wait()
		if s.SentCount() != 1 {
			t.Fatal("a slow request was not sent before its answer")
		}
		if r := s.SendRequests()[0]; r.Done || r.Status != 0 {
			t.Fatalf("slow request answered early: %+v", r)
		}
		time.Sleep(time.Minute)
		if code := <-done; code != http.StatusCreated {
			t.Errorf("slow answer: %d", code)
		}
	})
}

func TestFaultSlowClientGivesUp(t *testing.T) {
	s := NewTestServer(t, Options{Faults: Faults{SlowDelay: time.Hour, ByRequest: map[int]Fault{1: FaultSlow}}})
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+wire.MessagePath, strings.NewReader(encode(t, orderShipped())))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", testAuth)
	req.Header.Set("Content-Type", "application/json")
	result := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			err = errors.Join(errors.New("the slow request was answered"), resp.Body.Close())
		}
		result <- err
	}()
	if err := s.WaitSent(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-result; !errors.Is(err, context.Canceled) {
		t.Errorf("client error = %v", err)
	}
	if got := s.Sent(); len(got) != 1 {
		t.Errorf("Sent() = %+v", got)
	}
}

func TestFaultDrops(t *testing.T) {
	s := NewTestServer(t, Options{Faults: Faults{ByRequest: map[int]Fault{1: FaultDropBeforeBody, 2: FaultDropAfterBody}}})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	body := encode(t, orderShipped())
	for n := 1; n <= 2; n++ {
		if status, err := postHTTP(client, s.URL(), body); err == nil {
			t.Fatalf("request %d was answered %d", n, status)
		}
	}
	if status, err := postHTTP(client, s.URL(), body); err != nil || status != http.StatusCreated {
		t.Fatalf("request 3: %v", err)
	}
	requests := s.SendRequests()
	before, after := requests[0], requests[1]
	if !before.Dropped || before.Sent || before.Body != nil || before.Status != 0 {
		t.Errorf("drop before body: %+v", before)
	}
	if !after.Dropped || !after.Sent || after.MessageID == "" || string(after.Body) != body || after.Status != 0 {
		t.Errorf("drop after body: %+v", after)
	}
	sent := s.Sent()
	if len(sent) != 2 || sent[0].N != 2 || sent[1].N != 3 {
		t.Errorf("Sent() = %+v", sent)
	}
}

func TestHoldRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		defer closeServer(t, s)
		hold := s.Hold(2)
		if hold.N() != 2 || s.Hold(2) != hold {
			t.Fatal("Hold does not return the same hold for the same number")
		}
		send(t, s, orderShipped())
		done := make(chan int)
		go func() { done <- send(t, s, orderShipped()).Code }()
		if err := hold.WaitHeld(t.Context()); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if r := s.SendRequests()[1]; r.Done || r.Sent || r.Body != nil || r.N != 2 {
			t.Fatalf("held request went on: %+v", r)
		}
		// Faults set while a request is held apply to it.
		s.SetFault(2, Fault503)
		hold.Release()
		if code := <-done; code != http.StatusServiceUnavailable {
			t.Errorf("released request: %d", code)
		}
		if s.SentCount() != 1 {
			t.Errorf("SentCount() = %d", s.SentCount())
		}
	})
}

func TestHoldReleasedEarly(t *testing.T) {
	s := New(Options{})
	hold := s.Hold(1)
	hold.Release()
	hold.Release()
	if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
		t.Errorf("status %d", w.Code)
	}
	select {
	case <-hold.Held():
	default:
		t.Error("Held() not closed once the request arrived")
	}
}

func TestHoldWaitHeldTimesOut(t *testing.T) {
	s := New(Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Hold(1).WaitHeld(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitHeld = %v", err)
	}
}

func TestCloseReleasesHolds(t *testing.T) {
	s := NewTestServer(t, Options{Faults: Faults{SlowDelay: time.Hour, ByRequest: map[int]Fault{2: FaultSlow}}})
	hold := s.Hold(1)
	body := encode(t, orderShipped())
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if status, err := postHTTP(http.DefaultClient, s.URL(), body); err == nil && status != http.StatusCreated && status != http.StatusServiceUnavailable {
				t.Errorf("status %d", status)
			}
		})
	}
	if err := hold.WaitHeld(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitSent(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for _, r := range s.SendRequests() {
		if !r.Done {
			t.Errorf("request %d not finished after Close", r.N)
		}
		if r.N == hold.N() && (r.Sent || r.Status != http.StatusServiceUnavailable) {
			t.Errorf("request held at Close: sent %v, status %d", r.Sent, r.Status)
		}
	}
	if s.SentCount() != 1 {
		t.Errorf("SentCount() = %d, want only the slow request", s.SentCount())
	}
}

func TestFaultNames(t *testing.T) {
	for f := FaultNone; f <= FaultNoID; f++ {
		parsed, ok := ParseFault(f.String())
		if !ok || parsed != f {
			t.Errorf("ParseFault(%q) = %v, %v", f.String(), parsed, ok)
		}
	}
	if _, ok := ParseFault("boom"); ok {
		t.Error("ParseFault accepted an unknown name")
	}
	if Fault(99).String() != "unknown" {
		t.Error("an out-of-range fault has a name")
	}
}

// An answer delay holds each accepted send's answer for a time in its
// range, after the message was accepted, and records when it was written.
func TestAnswerDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: -1,
			Faults: Faults{AnswerDelayMin: 100 * time.Millisecond, AnswerDelayMax: 300 * time.Millisecond}})
		defer closeServer(t, s)
		for range 20 {
			start := time.Now()
			if rec := send(t, s, orderShipped()); rec.Code != http.StatusCreated {
				t.Fatalf("send: %d %s", rec.Code, rec.Body)
			}
			if held := time.Since(start); held < 100*time.Millisecond || held >= 300*time.Millisecond {
				t.Fatalf("the answer was held %v, want within [100ms, 300ms)", held)
			}
		}
		for _, r := range s.SendRequests() {
			if !r.Sent || r.AnsweredAt.Sub(r.At) < 100*time.Millisecond {
				t.Fatalf("request %d: sent %v, arrived %v, answered %v", r.N, r.Sent, r.At, r.AnsweredAt)
			}
		}
	})
}
