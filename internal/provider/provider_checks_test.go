package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
)

// rfc3339Check accepts an RFC 3339 time in UTC.
func rfc3339Check() knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(v, "Z") || time.Since(at) > time.Hour || time.Until(at) > time.Minute {
			return fmt.Errorf("sent_at %q is not a recent UTC time", v)
		}
		return nil
	})
}

// expectBodies checks the bodies of the accepted sends, in order, byte for
// byte.
func expectBodies(srv *mock.Server, want ...string) error {
	sent := srv.Sent()
	if len(sent) != len(want) {
		return fmt.Errorf("the mock accepted %d messages; want %d", len(sent), len(want))
	}
	for i, m := range sent {
		if string(m.Body) != want[i] {
			return fmt.Errorf("body of send %d:\n got %s\nwant %s", i+1, m.Body, want[i])
		}
	}
	return nil
}

// expectSendRequests checks how many send requests reached the mock,
// whatever their answers.
func expectSendRequests(srv *mock.Server, want int) error {
	if n := len(srv.SendRequests()); n != want {
		return fmt.Errorf("the mock saw %d send requests; want %d", n, want)
	}
	return nil
}
