package mock

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// ApprovalApproved is the approval status a template needs to be sent.
const ApprovalApproved = "APPROVED"

// defaultTemplatesJSON is the canonical template file; examples/mock/templates.json
// is a copy of it for the demo and the docs.
//
//go:embed templates.json
var defaultTemplatesJSON []byte

// DefaultTemplates returns the templates the mock knows when none are given:
// the contents of examples/mock/templates.json.
func DefaultTemplates() []wire.TemplateInfo {
	templates, err := ParseTemplates(defaultTemplatesJSON)
	if err != nil {
		// The file is embedded at build time and covered by a test.
		panic(fmt.Sprintf("mock: embedded templates.json is invalid: %v", err))
	}
	return templates
}

// ParseTemplates decodes a JSON array of templates as Interakt lists them.
func ParseTemplates(data []byte) ([]wire.TemplateInfo, error) {
	var templates []wire.TemplateInfo
	if err := json.Unmarshal(data, &templates); err != nil {
		return nil, fmt.Errorf("decoding templates: %w", err)
	}
	for i, t := range templates {
		if t.Name == "" || t.Language == "" {
			return nil, fmt.Errorf("template %d: name and language are required", i)
		}
	}
	return templates, nil
}

// LoadTemplates reads a JSON array of templates from a file.
func LoadTemplates(path string) ([]wire.TemplateInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading templates: %w", err)
	}
	templates, err := ParseTemplates(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return templates, nil
}

// variablePattern matches a {{n}} placeholder, tolerating inner spaces.
var variablePattern = regexp.MustCompile(`\{\{\s*(\d+)\s*\}\}`)

// VariableCount returns how many distinct {{n}} variables text uses.
func VariableCount(text string) int {
	seen := map[string]bool{}
	for _, m := range variablePattern.FindAllStringSubmatch(text, -1) {
		seen[strings.TrimLeft(m[1], "0")] = true
	}
	return len(seen)
}

// templateKey identifies a template by name and language.
type templateKey struct {
	name, language string
}

// templateSet indexes templates for sending while keeping their listing order.
type templateSet struct {
	list   []wire.TemplateInfo
	byName map[templateKey]wire.TemplateInfo
}

func newTemplateSet(templates []wire.TemplateInfo) *templateSet {
	set := &templateSet{
		list:   append([]wire.TemplateInfo(nil), templates...),
		byName: make(map[templateKey]wire.TemplateInfo, len(templates)),
	}
	for _, t := range templates {
		set.byName[templateKey{t.Name, t.Language}] = t
	}
	return set
}

// approved returns the APPROVED template with this name and language.
func (s *templateSet) approved(name, language string) (wire.TemplateInfo, bool) {
	t, ok := s.byName[templateKey{name, language}]
	if !ok || !strings.EqualFold(t.ApprovalStatus, ApprovalApproved) {
		return wire.TemplateInfo{}, false
	}
	return t, true
}

// filter returns the templates of one approval status, in listing order.
func (s *templateSet) filter(approvalStatus string) []wire.TemplateInfo {
	out := make([]wire.TemplateInfo, 0, len(s.list))
	for _, t := range s.list {
		if strings.EqualFold(t.ApprovalStatus, approvalStatus) {
			out = append(out, t)
		}
	}
	return out
}

// find returns the index of the template with this name and language, or -1.
func (s *templateSet) find(name, language string) int {
	for i, t := range s.list {
		if t.Name == name && t.Language == language {
			return i
		}
	}
	return -1
}

// put adds t, or replaces the template with its name and language.
func (s *templateSet) put(t wire.TemplateInfo) {
	if i := s.find(t.Name, t.Language); i >= 0 {
		s.list[i] = t
	} else {
		s.list = append(s.list, t)
	}
	s.byName[templateKey{t.Name, t.Language}] = t
}

// remove deletes the template with this name and language.
func (s *templateSet) remove(name, language string) bool {
	i := s.find(name, language)
	if i < 0 {
		return false
	}
	s.list = append(s.list[:i], s.list[i+1:]...)
	delete(s.byName, templateKey{name, language})
	return true
}
