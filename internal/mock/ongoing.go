package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// AdminOngoingCampaignsPath configures ongoing campaigns at run time: POST
// an OngoingCampaign to add one, GET to list them. It needs no key, like
// the other admin endpoints, and is the mock's own: Interakt's ongoing
// campaigns are set up in its dashboard.
const AdminOngoingCampaignsPath = "/mock/ongoing-campaigns"

// OngoingCampaign stands for a campaign set up in Interakt's dashboard:
// when an event of name Event is tracked for a user with a phone number,
// template Template (Language) is sent to that phone with the event's
// traits named by BodyTraits as body values, in order, and the message's
// webhooks are message_campaign_* events with chat_message_type
// CampaignMessage and campaign_id ID. The template is not checked against
// the account's: a campaign misconfigured in the dashboard still sends.
type OngoingCampaign struct {
	// ID is the campaign's id in webhooks; empty: one is derived from the
	// event and the template.
	ID         string   `json:"id,omitempty"`
	Event      string   `json:"event"`
	Template   string   `json:"template"`
	Language   string   `json:"language,omitempty"` // default "en"
	BodyTraits []string `json:"body_traits,omitempty"`
}

// CampaignMessage is one message an ongoing campaign sent.
type CampaignMessage struct {
	ID         string
	CampaignID string
	// EventID is the id of the tracked event that started it.
	EventID string
	Message wire.Message
	At      time.Time
}

// normalize fills the defaults and checks the campaign.
func (c OngoingCampaign) normalize() (OngoingCampaign, error) {
	if c.Event == "" || c.Template == "" {
		return c, errors.New("an ongoing campaign needs an event and a template")
	}
	if c.Language == "" {
		c.Language = "en"
	}
	if c.ID == "" {
		c.ID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("ongoing/"+c.Event+"/"+c.Template+"/"+c.Language)).String()
	}
	c.BodyTraits = slices.Clone(c.BodyTraits)
	return c, nil
}

// AddOngoingCampaign adds an ongoing campaign.
func (s *Server) AddOngoingCampaign(c OngoingCampaign) error {
	c, err := c.normalize()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ongoing = append(s.ongoing, c)
	return nil
}

// OngoingCampaigns returns the configured ongoing campaigns.
func (s *Server) OngoingCampaigns() []OngoingCampaign {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]OngoingCampaign, len(s.ongoing))
	for i, c := range s.ongoing {
		out[i] = c
		out[i].BodyTraits = slices.Clone(c.BodyTraits)
	}
	return out
}

// CampaignMessages returns the messages ongoing campaigns sent, in order.
func (s *Server) CampaignMessages() []CampaignMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CampaignMessage, len(s.campaignMessages))
	for i, m := range s.campaignMessages {
		out[i] = m
		out[i].Message = cloneMessage(m.Message)
	}
	return out
}

// runOngoingCampaigns sends the messages of the campaigns an accepted event
// starts. An event that names its user by userId alone is sent to the
// phone number the tracked user has, as Interakt's campaigns message the
// user's number; a user with none is sent nothing.
func (s *Server) runOngoingCampaigns(eventID string, e wire.TrackEvent) {
	s.mu.Lock()
	s.users.settle(time.Now())
	if e.PhoneNumber == "" {
		if u := s.users.find(e.UserID, "", ""); u != nil && e.UserID != "" {
			e.CountryCode, e.PhoneNumber = u.CountryCode, u.PhoneNumber
		}
	}
	if e.PhoneNumber == "" {
		s.mu.Unlock()
		return
	}
	var started []CampaignMessage
	for _, c := range s.ongoing {
		if c.Event != e.Event {
			continue
		}
		msg := wire.Message{
			CountryCode: e.CountryCode,
			PhoneNumber: e.PhoneNumber,
			Type:        wire.MessageTypeTemplate,
			Template:    wire.Template{Name: c.Template, LanguageCode: c.Language},
		}
		for _, name := range c.BodyTraits {
			msg.Template.BodyValues = append(msg.Template.BodyValues, traitText(e.Traits[name]))
		}
		m := CampaignMessage{ID: uuid.NewString(), CampaignID: c.ID, EventID: eventID, Message: msg, At: time.Now()}
		s.campaignMessages = append(s.campaignMessages, m)
		started = append(started, m)
	}
	failPhones, undeliveredPhones := s.failPhones, s.undelivered
	s.mu.Unlock()
	for _, m := range started {
		s.mu.Lock()
		failReason, fails := lookupPhone(failPhones, m.Message)
		undelivered, _ := lookupPhone(undeliveredPhones, m.Message)
		s.mu.Unlock()
		s.webhooks.schedule(scheduledMessage{
			id: m.ID, msg: m.Message, acceptedAt: m.At,
			fails: fails, failReason: failReason, undelivered: undelivered, campaignID: m.CampaignID,
		})
	}
}

// traitText is a trait value as a template body value.
func traitText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// handleOngoingCampaigns serves AdminOngoingCampaignsPath.
func (s *Server) handleOngoingCampaigns(w http.ResponseWriter, r *http.Request) {
	i := s.record(r, 0, time.Now())
	defer s.finish(i)
	switch r.Method {
	case http.MethodGet:
		s.answer(w, r, i, http.StatusOK, mustJSON(s.OngoingCampaigns()))
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		var c OngoingCampaign
		if err == nil {
			decoder := json.NewDecoder(strings.NewReader(string(body)))
			decoder.DisallowUnknownFields()
			err = decoder.Decode(&c)
		}
		if err == nil {
			err = s.AddOngoingCampaign(c)
		}
		if err != nil {
			s.answer(w, r, i, http.StatusBadRequest, failure(err.Error()))
			return
		}
		w.WriteHeader(http.StatusNoContent)
		s.update(i, func(req *Request) { req.Status = http.StatusNoContent })
	default:
		w.Header().Set("Allow", "GET, POST")
		s.answer(w, r, i, http.StatusMethodNotAllowed, failure(MsgMethod))
	}
}

// ParseOngoingCampaign reads the --ongoing-campaign flag's form,
// EVENT=TEMPLATE[:LANGUAGE][:TRAIT,TRAIT...], such as
// order_placed=order_shipped:en:name,order_id.
func ParseOngoingCampaign(v string) (OngoingCampaign, error) {
	event, rest, ok := strings.Cut(v, "=")
	parts := strings.Split(rest, ":")
	if !ok || event == "" || parts[0] == "" || len(parts) > 3 {
		return OngoingCampaign{}, errors.New("want EVENT=TEMPLATE[:LANGUAGE][:TRAIT,TRAIT...]")
	}
	c := OngoingCampaign{Event: event, Template: parts[0]}
	if len(parts) > 1 {
		c.Language = parts[1]
	}
	if len(parts) > 2 && parts[2] != "" {
		c.BodyTraits = strings.Split(parts[2], ",")
	}
	return c.normalize()
}
