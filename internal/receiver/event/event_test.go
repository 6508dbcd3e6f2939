package event

import "testing"

func TestStatusString(t *testing.T) {
	want := map[Status]string{StatusSent: "sent", StatusDelivered: "delivered", StatusRead: "read", StatusFailed: "failed"}
	for s, w := range want {
		if s.String() != w || !s.Valid() {
			t.Fatalf("%d: %q valid=%v", s, s.String(), s.Valid())
		}
	}
}
