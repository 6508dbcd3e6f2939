package mock

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// handleTemplates answers GET /v1/public/track/organization/templates with
// one page of the account's templates of one approval status, as Interakt
// does: approval_status is required (missing or "all" is a 400), only
// offset pages, and name or language filters are ignored. It shares the
// send's rate limit.
func (s *Server) handleTemplates(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i := s.record(r, 0, at)
	defer s.finish(i)
	if !s.admit(w, r, i, at, http.MethodGet, true) {
		return
	}

	query := r.URL.Query()
	offset := 0
	if raw := query.Get("offset"); raw != "" {
		parsed, err := strconv.Atoi(raw)
		if err != nil || parsed < 0 {
			s.answer(w, r, i, http.StatusBadRequest, failure(MsgBadOffset))
			return
		}
		offset = parsed
	}
	status := query.Get("approval_status")
	if status == "" || strings.EqualFold(status, "all") {
		s.answer(w, r, i, http.StatusBadRequest, failure(MsgNoApprovalStatus))
		return
	}
	s.mu.Lock()
	matching := s.templates.filter(status)
	s.mu.Unlock()

	page := wire.TemplatesPage{Count: len(matching), Results: wire.TemplatesResult{Templates: []wire.TemplateInfo{}}}
	if offset < len(matching) {
		end := min(offset+s.pageSize, len(matching))
		page.Results.Templates = matching[offset:end]
		page.HasNext = end < len(matching)
	}
	s.answer(w, r, i, http.StatusOK, mustJSON(page))
}
