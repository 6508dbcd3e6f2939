package provider

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestAPILoggerLevelFromEnv checks that TF_LOG_PROVIDER_INTERAKT_API sets
// the level of the API client's lines on their own, as the docs say, and
// that without it they follow the provider's level.
func TestAPILoggerLevelFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		level     string // TF_LOG_PROVIDER_INTERAKT_API; "" leaves it unset
		wantDebug bool
		wantTrace bool
	}{
		{name: "unset follows the provider", level: "", wantDebug: true, wantTrace: true},
		{name: "debug drops bodies", level: "DEBUG", wantDebug: true, wantTrace: false},
		{name: "warn drops requests", level: "WARN", wantDebug: false, wantTrace: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// terraform-plugin-log reads the level from the process
			// environment: this test runs alone.
			t.Setenv(logSubsystemLevelEnv, tt.level)
			var out bytes.Buffer
			ctx := tflogtest.RootLogger(context.Background(), &out)
			logger := apiLogger{}

			logger.Debug(ctx, "debug line", nil)
			logger.Trace(ctx, "trace line", nil)

			entries, err := tflogtest.MultilineJSONDecode(&out)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, e := range entries {
				msg, _ := e["@message"].(string)
				got[msg] = true
				if module, _ := e["@module"].(string); module != "provider."+logSubsystem {
					t.Errorf("%q was logged by module %q, want provider.%s", msg, module, logSubsystem)
				}
			}
			if got["debug line"] != tt.wantDebug || got["trace line"] != tt.wantTrace {
				t.Errorf("with %s=%q logged debug=%v trace=%v, want debug=%v trace=%v",
					logSubsystemLevelEnv, tt.level, got["debug line"], got["trace line"], tt.wantDebug, tt.wantTrace)
			}
		})
	}
}
