package mock

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestSendAccepted(t *testing.T) {
	s := New(Options{})
	w := send(t, s, orderShipped())
	if w.Code != http.StatusCreated {
		t.Fatalf("status = %d, body %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	answer := decodeAnswer(t, w.Body.Bytes())
	if !answer.Result || answer.Message != MsgQueued || !uuidV4.MatchString(answer.ID) {
		t.Fatalf("answer = %+v", answer)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].ID != answer.ID || sent[0].N != 1 {
		t.Fatalf("Sent() = %+v", sent)
	}
	if got := sent[0].Message; got.PhoneNumber != "9999999999" || got.Template.BodyValues[1] != "A-1001" || got.CallbackData != "release-42" {
		t.Errorf("recorded message = %+v", got)
	}
	second := decodeAnswer(t, send(t, s, orderShipped()).Body.Bytes())
	if second.ID == answer.ID {
		t.Error("two sends got the same id")
	}
}

func TestSendRecord(t *testing.T) {
	s := New(Options{})
	body := encode(t, orderShipped())
	r := newSendRequest(body)
	r.Header.Set("X-Trace", "abc")
	serve(s, r)
	bad := newSendRequest(body)
	bad.Header.Set("Authorization", "Basic wrong")
	serve(s, bad)

	requests := s.Requests()
	if len(requests) != 2 {
		t.Fatalf("Requests() has %d entries", len(requests))
	}
	ok, denied := requests[0], requests[1]
	if ok.N != 1 || ok.Method != http.MethodPost || ok.Path != wire.MessagePath || string(ok.Body) != body ||
		ok.Status != http.StatusCreated || !ok.Sent || ok.MessageID == "" || !ok.Done || !ok.Authorized || ok.At.IsZero() {
		t.Errorf("accepted record = %+v", ok)
	}
	if ok.Header.Get("X-Trace") != "abc" || ok.Header.Get("Authorization") != "" {
		t.Errorf("recorded headers = %v; want X-Trace kept and Authorization removed", ok.Header)
	}
	if !strings.Contains(string(ok.Response), ok.MessageID) {
		t.Errorf("recorded answer %s lacks the id", ok.Response)
	}
	if denied.N != 2 || denied.Authorized || denied.Sent || denied.Status != http.StatusUnauthorized || denied.Body != nil {
		t.Errorf("denied record = %+v", denied)
	}
	if got := len(s.SendRequests()); got != 2 {
		t.Errorf("SendRequests() has %d entries", got)
	}
}

func TestSendAuth(t *testing.T) {
	s := New(Options{APIKey: "c2VjcmV0Og=="})
	for name, header := range map[string]string{
		"missing":      "",
		"default key":  testAuth,
		"other scheme": "Bearer c2VjcmV0Og==",
		"decoded key":  "Basic secret:",
		"extra space":  "Basic  c2VjcmV0Og==",
	} {
		t.Run(name, func(t *testing.T) {
			r := newSendRequest(encode(t, orderShipped()))
			r.Header.Set("Authorization", header)
			wantFailure(t, serve(s, r), http.StatusUnauthorized, MsgUnauthorized)
		})
	}
	r := newSendRequest(encode(t, orderShipped()))
	r.Header.Set("Authorization", "Basic c2VjcmV0Og==")
	if w := serve(s, r); w.Code != http.StatusCreated {
		t.Fatalf("the configured key got %d %s", w.Code, w.Body)
	}
	if s.SentCount() != 1 {
		t.Errorf("SentCount() = %d, want 1", s.SentCount())
	}
}

func TestSendRules(t *testing.T) {
	long := strings.Repeat("x", MaxCallbackData+1)
	cases := []struct {
		name    string
		change  func(*wire.Message)
		message string
	}{
		{"wrong type", func(m *wire.Message) { m.Type = "Text" }, MsgWrongType},
		{"unknown template", func(m *wire.Message) { m.Template.Name = "nope" }, MsgNoTemplate("nope", "en")},
		{"unknown language", func(m *wire.Message) { m.Template.LanguageCode = "fr" }, MsgNoTemplate("order_shipped", "fr")},
		{"pending template", func(m *wire.Message) {
			m.Template = wire.Template{Name: "festive_sale", LanguageCode: "en", BodyValues: []string{"a", "b"}}
		}, MsgNoTemplate("festive_sale", "en")},
		{"rejected template", func(m *wire.Message) {
			m.Template = wire.Template{Name: "win_back", LanguageCode: "en", BodyValues: []string{"a"}}
		}, MsgNoTemplate("win_back", "en")},
		{"phone with letters", func(m *wire.Message) { m.PhoneNumber = "99999x9999" }, MsgInvalidPhone},
		{"phone with leading zero", func(m *wire.Message) { m.PhoneNumber = "09999999999" }, MsgInvalidPhone},
		{"phone with plus", func(m *wire.Message) { m.PhoneNumber = "+919999999999" }, MsgInvalidPhone},
		{"empty phone", func(m *wire.Message) { m.PhoneNumber = "" }, MsgInvalidPhone},
		{"country code without plus", func(m *wire.Message) { m.CountryCode = "91" }, MsgInvalidPhone},
		{"country code too long", func(m *wire.Message) { m.CountryCode = "+1234" }, MsgInvalidPhone},
		{"country code with letters", func(m *wire.Message) { m.CountryCode = "+9a" }, MsgInvalidPhone},
		{"too few body values", func(m *wire.Message) { m.Template.BodyValues = []string{"Asha"} }, MsgMissingBodyValues(2)},
		{"too many body values", func(m *wire.Message) { m.Template.BodyValues = []string{"a", "b", "c"} }, MsgMissingBodyValues(2)},
		{"values for a template without variables", func(m *wire.Message) {
			m.Template = wire.Template{Name: "welcome_message", LanguageCode: "en", BodyValues: []string{"a"}}
		}, MsgMissingBodyValues(0)},
		{"callback data too long", func(m *wire.Message) { m.CallbackData = long }, MsgCallbackTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{})
			m := orderShipped()
			tc.change(&m)
			wantFailure(t, send(t, s, m), http.StatusBadRequest, tc.message)
			if s.SentCount() != 0 {
				t.Error("a rejected send was recorded as sent")
			}
		})
	}
}

func TestSendRuleTexts(t *testing.T) {
	if got, want := MsgNoTemplate("order_shipped", "en"), "Please correct the following error - No approved template found with name 'order_shipped' and language 'en'"; got != want {
		t.Errorf("MsgNoTemplate = %q", got)
	}
	if got, want := MsgMissingBodyValues(2), "Missing variable values for template's body, expected number of values are 2"; got != want {
		t.Errorf("MsgMissingBodyValues = %q", got)
	}
}

func TestSendAcceptsEdgeValues(t *testing.T) {
	s := New(Options{})
	m := orderShipped()
	m.CountryCode = "+1"
	m.CallbackData = strings.Repeat("é", MaxCallbackData)
	if w := send(t, s, m); w.Code != http.StatusCreated {
		t.Fatalf("512 characters of callback data: %d %s", w.Code, w.Body)
	}
	noVariables := wire.Message{CountryCode: "+971", PhoneNumber: "501234567", Type: wire.MessageTypeTemplate,
		Template: wire.Template{Name: "welcome_message", LanguageCode: "en"}}
	if w := send(t, s, noVariables); w.Code != http.StatusCreated {
		t.Fatalf("template without variables: %d %s", w.Code, w.Body)
	}
}

func TestSendContentTypeAndJSON(t *testing.T) {
	s := New(Options{})
	body := encode(t, orderShipped())
	for name, contentType := range map[string]string{"missing": "", "text": "text/plain", "form": "application/x-www-form-urlencoded"} {
		t.Run(name, func(t *testing.T) {
			r := newSendRequest(body)
			r.Header.Set("Content-Type", contentType)
			wantFailure(t, serve(s, r), http.StatusBadRequest, MsgContentType)
		})
	}
	r := newSendRequest(body)
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	if w := serve(s, r); w.Code != http.StatusCreated {
		t.Errorf("JSON with charset: %d %s", w.Code, w.Body)
	}
	wantFailure(t, serve(s, newSendRequest(`{"countryCode":`)), http.StatusBadRequest, MsgMalformedJSON)
	wantFailure(t, serve(s, newSendRequest(`[]`)), http.StatusBadRequest, MsgMalformedJSON)
	wantFailure(t, serve(s, newSendRequest(`{"phoneNumber":9}`)), http.StatusBadRequest, MsgMalformedJSON)
	unknown := strings.Replace(body, `"type"`, `"priority":"high","type"`, 1)
	wantFailure(t, serve(s, newSendRequest(unknown)), http.StatusBadRequest, MsgUnknownField("priority"))
	nestedUnknown := strings.Replace(body, `"languageCode"`, `"namespace":"x","languageCode"`, 1)
	if w := serve(s, newSendRequest(nestedUnknown)); w.Code != http.StatusCreated {
		t.Errorf("an unknown nested field: %d %s; only top-level fields are strict", w.Code, w.Body)
	}
}

func TestSendRejectPhones(t *testing.T) {
	s := New(Options{RejectPhones: map[string]string{"9999999999": "", "+918888888888": "Number is not on WhatsApp"}})
	wantFailure(t, send(t, s, orderShipped()), http.StatusBadRequest, MsgInvalidPhone)
	m := orderShipped()
	m.PhoneNumber = "8888888888"
	wantFailure(t, send(t, s, m), http.StatusBadRequest, "Number is not on WhatsApp")
	m.CountryCode = "+44"
	if w := send(t, s, m); w.Code != http.StatusCreated {
		t.Errorf("the same number in another country: %d %s", w.Code, w.Body)
	}
	s.SetRejectPhone("9999999999", "", false)
	if w := send(t, s, orderShipped()); w.Code != http.StatusCreated {
		t.Errorf("after SetRejectPhone(false): %d %s", w.Code, w.Body)
	}
	s.SetRejectPhone("+447777777777", "gone", true)
	m.PhoneNumber = "7777777777"
	wantFailure(t, send(t, s, m), http.StatusBadRequest, "gone")
}

func TestSetTemplates(t *testing.T) {
	s := New(Options{})
	s.SetTemplates([]wire.TemplateInfo{{Name: "only", Language: "en", Body: "{{1}}", ApprovalStatus: "APPROVED"}})
	wantFailure(t, send(t, s, orderShipped()), http.StatusBadRequest, MsgNoTemplate("order_shipped", "en"))
	m := orderShipped()
	m.Template = wire.Template{Name: "only", LanguageCode: "en", BodyValues: []string{"x"}}
	if w := send(t, s, m); w.Code != http.StatusCreated {
		t.Errorf("new template: %d %s", w.Code, w.Body)
	}
}

func TestOtherRoutes(t *testing.T) {
	s := New(Options{})
	get := httptest.NewRequest(http.MethodGet, wire.MessagePath, nil)
	get.Header.Set("Authorization", testAuth)
	w := serve(s, get)
	wantFailure(t, w, http.StatusMethodNotAllowed, MsgMethod)
	if w.Header().Get("Allow") != http.MethodPost {
		t.Errorf("Allow = %q", w.Header().Get("Allow"))
	}
	wantFailure(t, serve(s, httptest.NewRequest(http.MethodGet, "/v1/public/other", nil)), http.StatusNotFound, MsgNotFound)
	if n := len(s.SendRequests()); n != 0 {
		t.Errorf("%d requests numbered as sends", n)
	}
}
