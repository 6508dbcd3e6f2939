package client

import "context"

// Logger receives the client's request logs. Fields never hold the API
// key, the status token or an Authorization header; bodies, which carry
// phone numbers and values, are logged only at Trace. Info is for what a
// user running at INFO should see: a request's long wait for the budget.
type Logger interface {
	Info(ctx context.Context, msg string, fields map[string]any)
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

// nopLogger drops everything; it stands in for a nil Logger.
type nopLogger struct{}

func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}

func loggerOrNop(l Logger) Logger {
	if l == nil {
		return nopLogger{}
	}
	return l
}
