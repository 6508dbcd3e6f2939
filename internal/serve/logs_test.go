package serve

import (
	"os"
	"testing"
)

func TestQuietSDKLogsUnlessAsked(t *testing.T) {
	for _, name := range sdkLogSettings {
		t.Setenv(name, "")
	}
	quietSDKLogsUnlessAsked([]string{"TF_LOG=TRACE", "HOME=/root"})
	for _, name := range sdkLogSettings {
		if got := os.Getenv(name); got != "" {
			t.Errorf("with TF_LOG set, %s = %q; want it left alone", name, got)
		}
	}
	quietSDKLogsUnlessAsked([]string{"HOME=/root", "PATH=/bin"})
	for _, name := range sdkLogSettings {
		if got := os.Getenv(name); got != "OFF" {
			t.Errorf("with no log setting, %s = %q; want OFF", name, got)
		}
	}
}
