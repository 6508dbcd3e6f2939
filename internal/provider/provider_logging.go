package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem names the API client's log lines.
const logSubsystem = "interakt_api"

// logSubsystemLevelEnv sets the level of the API client's log lines on their
// own, as TF_LOG_PROVIDER_INTERAKT does for the rest of the provider's.
const logSubsystemLevelEnv = "TF_LOG_PROVIDER_INTERAKT_API"

// apiLogger sends the client's logs to tflog. Masks belong to a context, so
// they are applied on every call's context rather than once in Configure.
type apiLogger struct {
	secrets []string
}

func (l apiLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	ctx = l.context(ctx)
	tflog.SubsystemInfo(ctx, logSubsystem, msg, fields)
}

func (l apiLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	ctx = l.context(ctx)
	tflog.SubsystemDebug(ctx, logSubsystem, msg, fields)
}

func (l apiLogger) Trace(ctx context.Context, msg string, fields map[string]any) {
	ctx = l.context(ctx)
	tflog.SubsystemTrace(ctx, logSubsystem, msg, fields)
}

func (l apiLogger) context(ctx context.Context) context.Context {
	ctx = tflog.NewSubsystem(ctx, logSubsystem, tflog.WithLevelFromEnv(logSubsystemLevelEnv))
	return maskSecrets(ctx, l.secrets)
}

// maskSecrets hides every configured secret from the root logger and the
// API subsystem, in messages and in field values.
func maskSecrets(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "api_key", "status_token")
	ctx = tflog.SubsystemMaskFieldValuesWithFieldKeys(ctx, logSubsystem, "authorization", "api_key", "status_token")
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	ctx = tflog.MaskMessageStrings(ctx, secrets...)
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, secrets...)
	return tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, secrets...)
}
