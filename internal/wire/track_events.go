package wire

// TrackEventPath is the path of Interakt's Track Events API, which records
// an event of a user; an ongoing campaign set up in Interakt's dashboard
// may send a template message when it arrives.
const TrackEventPath = "/v1/public/track/events/"

// TrackEvent is the body of POST TrackEventPath. The field names are those
// integrators send (userId, phoneNumber, countryCode, event, traits);
// Interakt's reference shows no nested trait values, so traits are flat:
// strings, numbers, booleans and null, sent with their JSON types. The
// user is userId, or countryCode with phoneNumber, or both.
type TrackEvent struct {
	UserID      string         `json:"userId,omitempty"`
	PhoneNumber string         `json:"phoneNumber,omitempty"`
	CountryCode string         `json:"countryCode,omitempty"`
	Event       string         `json:"event"`
	Traits      map[string]any `json:"traits,omitempty"`
}

// TrackEventResponse is Interakt's answer to a tracked event. Integrators'
// code does not read it, so its shape is unconfirmed: the provider takes
// the event's id from id, or else from data.id, and treats an accepted
// answer without either as uncertain.
type TrackEventResponse struct {
	Result  *bool           `json:"result,omitempty"`
	Message string          `json:"message,omitempty"`
	ID      string          `json:"id,omitempty"`
	Data    *TrackEventData `json:"data,omitempty"`
}

// TrackEventData is the data part of a TrackEventResponse.
type TrackEventData struct {
	ID string `json:"id,omitempty"`
}
