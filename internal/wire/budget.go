package wire

// BudgetPathPrefix + key id: POST a BudgetRequest, answered with a
// BudgetAnswer. The status receiver keeps a key's rate budget there,
// behind the status token, for every runner that uses the key; it knows
// the key only by its id, a SHA-256 of the key and the API's base URL.
const BudgetPathPrefix = "/v1/budget/"

// Budget operations.
const (
	// BudgetAcquire asks for a slot; the answer grants it or says how long
	// to wait before asking again.
	BudgetAcquire = "acquire"
	// BudgetRelease ends a slot whose answer arrived: it stays in the
	// window for one window from now.
	BudgetRelease = "release"
	// BudgetCancel returns a slot whose request never reached the API.
	BudgetCancel = "cancel"
	// BudgetFull records a 429: nobody gets a slot for AfterMS.
	BudgetFull = "full"
)

// BudgetRequest is one operation on a key's budget. Limit, WindowMS and
// LeaseMS are the asking process's settings: at most Limit arrivals in any
// WindowMS, and a slot not ended within LeaseMS counts as answered then.
type BudgetRequest struct {
	Op       string `json:"op"`
	Slot     string `json:"slot,omitempty"`
	Limit    int    `json:"limit,omitempty"`
	WindowMS int64  `json:"window_ms,omitempty"`
	LeaseMS  int64  `json:"lease_ms,omitempty"`
	AfterMS  int64  `json:"after_ms,omitempty"`
}

// BudgetAnswer answers an acquire: Granted, or WaitMS before asking again.
type BudgetAnswer struct {
	Granted bool  `json:"granted"`
	WaitMS  int64 `json:"wait_ms,omitempty"`
}
