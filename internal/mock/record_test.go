package mock

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestWaitSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		defer closeServer(t, s)
		done := make(chan error, 1)
		go func() { done <- s.WaitSent(t.Context(), 2) }()
		send(t, s, orderShipped())
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("WaitSent returned after one send: %v", err)
		default:
		}
		send(t, s, orderShipped())
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := s.WaitSent(ctx, 3); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitSent(3) = %v", err)
		}
	})
}

func TestRecordsAreCopies(t *testing.T) {
	s := New(Options{})
	send(t, s, orderShipped())
	sent := s.Sent()
	sent[0].Message.Template.BodyValues[0] = "changed"
	sent[0].Body[0] = 'X'
	requests := s.Requests()
	requests[0].Header.Set("X-Changed", "1")
	again := s.Sent()[0]
	if again.Message.Template.BodyValues[0] != "Asha" || again.Body[0] != '{' || s.Requests()[0].Header.Get("X-Changed") != "" {
		t.Error("changing a returned record changed the server's")
	}
}
