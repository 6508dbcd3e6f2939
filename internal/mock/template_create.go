package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// AdminApprovalPath is the mock's own endpoint (not Interakt's) that sets a
// template's approval status, as Meta's review would: POST a JSON
// ApprovalChange with the API key.
const AdminApprovalPath = "/mock/templates/approval"

// ApprovalChange is the body of POST AdminApprovalPath.
type ApprovalChange struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
}

// templateNamePattern is Meta's rule for a template name.
var templateNamePattern = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)

// templateCategories are the categories Meta accepts, in any letter case.
var templateCategories = map[string]bool{"MARKETING": true, "UTILITY": true, "AUTHENTICATION": true}

// Submission is one create request the mock accepted.
type Submission struct {
	Request  wire.CreateTemplate
	Template wire.TemplateInfo
	At       time.Time
}

// handleCreateTemplate answers POST /v1/public/track/templates/: it checks
// the template as Meta does before review (name, category, language,
// examples for every variable), records the submission, and lists the
// template as WAITING. A template of the same name and language is
// refused unless it is REJECTED, which Meta lets be corrected and
// submitted again.
func (s *Server) handleCreateTemplate(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if !s.admit(w, r, i, at, http.MethodPost, true) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	s.update(i, func(req *Request) { req.Body = body })
	var req wire.CreateTemplate
	if err != nil || json.Unmarshal(body, &req) != nil {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	t, problem := checkCreate(req)
	if problem != "" {
		s.answer(w, r, i, http.StatusBadRequest, failure("Please correct the following error - "+problem))
		return
	}
	s.mu.Lock()
	if k := s.templates.find(t.Name, t.Language); k >= 0 && !strings.EqualFold(s.templates.list[k].ApprovalStatus, wire.ApprovalRejected) {
		s.mu.Unlock()
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgTemplateExists(t.Name, t.Language)))
		return
	}
	s.templates.put(t)
	s.submissions = append(s.submissions, Submission{Request: req, Template: t, At: at})
	s.mu.Unlock()
	s.answer(w, r, i, http.StatusCreated, mustJSON(wire.CreateTemplateResponse{
		Result: true, Message: "Template created successfully", Data: t,
	}))
}

// MsgTemplateExists answers a create of a name and language the account has.
func MsgTemplateExists(name, language string) string {
	return fmt.Sprintf("Please correct the following error - Template with name '%s' and language '%s' already exists", name, language)
}

// checkCreate returns the template a create makes, or why Meta would
// refuse it.
func checkCreate(req wire.CreateTemplate) (wire.TemplateInfo, string) {
	name := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(req.DisplayName), " ", "_"))
	language := wire.LanguageCode(req.Language)
	category := strings.ToUpper(req.Category)
	switch {
	case !templateNamePattern.MatchString(name):
		return wire.TemplateInfo{}, "display_name must give a name of lowercase letters, digits and underscores"
	case language == "":
		return wire.TemplateInfo{}, fmt.Sprintf("language %q is not supported", req.Language)
	case !templateCategories[category]:
		return wire.TemplateInfo{}, fmt.Sprintf("category %q is not one of MARKETING, UTILITY, AUTHENTICATION", req.Category)
	case strings.TrimSpace(req.Body) == "":
		return wire.TemplateInfo{}, "body is required"
	}
	if p := checkExamples("body", req.Body, req.BodyText); p != "" {
		return wire.TemplateInfo{}, p
	}
	t := wire.TemplateInfo{
		ID: uuid.NewString(), Name: name, DisplayName: req.DisplayName, Language: language, Category: category,
		Body: req.Body, Footer: req.Footer, ApprovalStatus: wire.ApprovalWaiting,
	}
	if req.HeaderFormat != nil && *req.HeaderFormat != "" {
		t.HeaderFormat = strings.ToUpper(*req.HeaderFormat)
		if t.HeaderFormat == "TEXT" {
			if p := checkExamples("header", req.Header, req.HeaderText); p != "" {
				return wire.TemplateInfo{}, p
			}
			t.Header = req.Header
		}
	}
	for k, b := range req.Buttons {
		if strings.Contains(b.URL, "{{") && (len(b.Example) == 0 || b.Example[0] == "") {
			return wire.TemplateInfo{}, fmt.Sprintf("buttons[%d]: a URL with a variable needs an example", k)
		}
	}
	t.Buttons = req.Buttons
	return t, ""
}

// checkExamples requires one non-empty example per variable of text.
func checkExamples(part, text string, examples []string) string {
	want := VariableCount(text)
	if len(examples) != want {
		return fmt.Sprintf("%s has %d variables but %d examples were given", part, want, len(examples))
	}
	for k, e := range examples {
		if strings.TrimSpace(e) == "" {
			return fmt.Sprintf("%s example %d is empty", part, k+1)
		}
	}
	return ""
}

// Submissions returns the create requests the mock accepted, in order.
func (s *Server) Submissions() []Submission {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submission(nil), s.submissions...)
}

// SetApproval sets the approval status of the template with this name and
// language, as Meta's review would; reason is kept for REJECTED.
func (s *Server) SetApproval(name, language, status, reason string) error {
	return s.UpdateTemplate(name, language, func(t *wire.TemplateInfo) {
		t.ApprovalStatus = strings.ToUpper(status)
		t.RejectionReason = ""
		if t.ApprovalStatus == wire.ApprovalRejected {
			t.RejectionReason = reason
		}
	})
}

// UpdateTemplate changes the listed template with this name and language in
// place, as an edit in the dashboard would.
func (s *Server) UpdateTemplate(name, language string, change func(*wire.TemplateInfo)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.templates.find(name, language)
	if k < 0 {
		return fmt.Errorf("no template %s (%s)", name, language)
	}
	t := s.templates.list[k]
	change(&t)
	s.templates.put(t)
	return nil
}

// DeleteTemplate removes a template from the account.
func (s *Server) DeleteTemplate(name, language string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.templates.remove(name, language)
}

// handleApproval answers POST AdminApprovalPath.
func (s *Server) handleApproval(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if !s.admit(w, r, i, at, http.MethodPost, false) {
		return
	}
	var change ApprovalChange
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes)).Decode(&change); err != nil || change.Status == "" {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgMalformedJSON))
		return
	}
	if err := s.SetApproval(change.Name, change.Language, change.Status, change.Reason); err != nil {
		s.answer(w, r, i, http.StatusNotFound, failure(err.Error()))
		return
	}
	s.answer(w, r, i, http.StatusOK, mustJSON(wire.MessageResponse{Result: true, Message: "approval status set"}))
}
