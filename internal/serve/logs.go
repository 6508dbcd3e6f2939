package serve

import (
	"os"
	"strings"
)

// sdkLogSettings are the plugin SDK's own log subsystems: protocol,
// framework and SDK lines that a provider writes at TRACE for every
// request.
var sdkLogSettings = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietSDKLogsUnlessAsked turns the SDK's log subsystems off when no
// Terraform log setting is present. Terraform then discards every provider
// log line anyway, yet the SDK would still format and write one for each
// request: half a large plan's time. With any TF_LOG* setting the SDK's
// defaults stay, so a user who asks for logs gets all of them.
func quietSDKLogsUnlessAsked(environ []string) {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range sdkLogSettings {
		_ = os.Setenv(name, "OFF") // Setenv fails only on an invalid name.
	}
}
