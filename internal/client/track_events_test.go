package client

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// TestTrackEventAnswers: the event id is read from id or data.id; an
// accepted answer without one, or unreadable, is uncertain; result false
// is a rejection; a 5xx is never retried, since the event may have been
// recorded.
func TestTrackEventAnswers(t *testing.T) {
	t.Parallel()
	event := wire.TrackEvent{
		CountryCode: "+91", PhoneNumber: "9999999999", Event: "order_placed",
		Traits: map[string]any{"amount": json.Number("2000"), "vip": true},
	}
	const wantBody = `{"phoneNumber":"9999999999","countryCode":"+91","event":"order_placed","traits":{"amount":2000,"vip":true}}`
	tests := []struct {
		name     string
		status   int
		body     string
		wantID   string
		wantErr  bool
		wantKind Kind
	}{
		{"id", http.StatusCreated, `{"result":true,"message":"Event tracked","id":"ev-1"}`, "ev-1", false, 0},
		{"data id", http.StatusCreated, `{"result":true,"data":{"id":"ev-2"}}`, "ev-2", false, 0},
		{"no id", http.StatusCreated, `{"result":true,"message":"Event tracked"}`, "", true, KindUncertain},
		{"unreadable", http.StatusCreated, `{"result":tr`, "", true, KindUncertain},
		{"result false", http.StatusOK, `{"result":false,"message":"event is required"}`, "", true, KindRejected},
		{"400", http.StatusBadRequest, `{"result":false,"message":"event is required"}`, "", true, KindRejected},
		{"500", http.StatusInternalServerError, `{"result":false,"message":"Internal Server Error"}`, "", true, KindUncertain},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, tc.status, tc.body) }}
			ts := startHTTP(t, s)
			c := newTestClient(t, ts.URL, ts.Client(), Config{})
			id, err := c.TrackEvent(t.Context(), event)
			if id != tc.wantID {
				t.Errorf("id %q, want %q", id, tc.wantID)
			}
			if !tc.wantErr && err != nil {
				t.Errorf("unexpected error: %v", err)
			}
			if tc.wantErr && (err == nil || KindOf(err) != tc.wantKind) {
				t.Errorf("error %v of kind %v, want %v", err, KindOf(err), tc.wantKind)
			}
			seen := s.seen()
			if len(seen) != 1 {
				t.Fatalf("%d requests, want exactly 1 (an event is never retried once written)", len(seen))
			}
			if seen[0].method != http.MethodPost || seen[0].uri != wire.TrackEventPath || string(seen[0].body) != wantBody {
				t.Errorf("request %s %s %s", seen[0].method, seen[0].uri, seen[0].body)
			}
		})
	}
}
