package client

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

func TestStatusReaderGet(t *testing.T) {
	s := &server{respond: func(_ int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.EscapedPath() {
		case "/v1/messages/known":
			writeJSON(w, http.StatusOK, `{"id":"known","status":"delivered","sent_at":"2026-01-02T03:04:05Z","delivered_at":"2026-01-02T03:04:09Z","read_at":null,"failed_at":null,"failure_reason":null,"error_code":null,"callback_data":"release-42"}`)
		case "/v1/messages/a%2Fb%20c":
			writeJSON(w, http.StatusOK, `{"id":"a/b c","status":"sent"}`)
		default:
			writeJSON(w, http.StatusNotFound, `{"error":"not found"}`)
		}
	}}
	ts := startHTTP(t, s)
	reader := NewStatusReader(ts.URL+"/", testToken, nil, nil)

	st, found, err := reader.Get(t.Context(), "known")
	if err != nil || !found {
		t.Fatalf("Get(known) = found %v, %v", found, err)
	}
	if st.Status != wire.StatusDelivered || st.DeliveredAt == nil || *st.DeliveredAt != "2026-01-02T03:04:09Z" ||
		st.ReadAt != nil || st.CallbackData == nil || *st.CallbackData != "release-42" {
		t.Errorf("Get(known) = %+v", st)
	}

	st, found, err = reader.Get(t.Context(), "a/b c")
	if err != nil || !found || st.ID != "a/b c" {
		t.Errorf("Get(a/b c) = %+v, found %v, %v; want the escaped path to be served", st, found, err)
	}

	_, found, err = reader.Get(t.Context(), "unknown")
	if err != nil || found {
		t.Errorf("Get(unknown) = found %v, %v; want not found and no error", found, err)
	}

	for _, r := range s.seen() {
		if got := r.header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("%s: Authorization = %q, want the bearer token", r.uri, got)
		}
	}
}

func TestStatusReaderErrors(t *testing.T) {
	tests := []struct {
		status   int
		wantKind Kind
		requests int
	}{
		{http.StatusUnauthorized, KindUnauthorized, 1},
		{http.StatusForbidden, KindForbidden, 1},
		{http.StatusBadRequest, KindRejected, 1},
		{http.StatusServiceUnavailable, KindUncertain, 1 + receiverRetries},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &server{respond: func(_ int, w http.ResponseWriter, _ *http.Request) {
					writeJSON(w, tt.status, `{"error":"no"}`)
				}}
				hc, _ := startMem(t, s, 0)
				reader := NewStatusReader(memBase, testToken, hc, nil)
				_, found, err := reader.Get(t.Context(), "m1")
				if found || KindOf(err) != tt.wantKind || err == nil {
					t.Fatalf("Get = found %v, %v; want a %v error", found, err, tt.wantKind)
				}
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("error text %q contains the token", err)
				}
				if n := s.count(); n != tt.requests {
					t.Errorf("server saw %d requests, want %d", n, tt.requests)
				}
			})
		})
	}
}

func TestStatusReaderInvalidConfig(t *testing.T) {
	for name, reader := range map[string]*StatusReader{
		"bad url":   NewStatusReader("ftp://x", testToken, nil, nil),
		"no token":  NewStatusReader("https://hooks.example.com", "", nil, nil),
		"bad token": NewStatusReader("https://hooks.example.com", "a b", nil, nil),
	} {
		if _, _, err := reader.Get(t.Context(), "m1"); err == nil {
			t.Errorf("%s: Get succeeded, want a configuration error", name)
		}
	}
	reader := NewStatusReader("https://hooks.example.com", testToken, nil, nil)
	if _, _, err := reader.Get(t.Context(), ""); err == nil {
		t.Error("Get with an empty id succeeded")
	}
}
