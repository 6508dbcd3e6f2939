package mock

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestExampleTemplatesMatchEmbedded(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "mock", "templates.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(example, defaultTemplatesJSON) {
		t.Fatal("examples/mock/templates.json differs from internal/mock/templates.json; copy the latter over the former")
	}
}

func TestDefaultTemplates(t *testing.T) {
	byKey := map[templateKey]string{}
	for _, tmpl := range DefaultTemplates() {
		byKey[templateKey{tmpl.Name, tmpl.Language}] = tmpl.ApprovalStatus
	}
	statuses := map[string]int{}
	for _, status := range byKey {
		statuses[status]++
	}
	if byKey[templateKey{"order_shipped", "en"}] != "APPROVED" {
		t.Errorf("order_shipped/en is not APPROVED: %v", byKey)
	}
	if statuses["PENDING"] == 0 || statuses["REJECTED"] == 0 {
		t.Errorf("want a PENDING and a REJECTED template, got %v", statuses)
	}
	set := newTemplateSet(DefaultTemplates())
	shipped, ok := set.approved("order_shipped", "en")
	if !ok || shipped.Body != "Hi {{1}}, your order {{2}} has shipped." || shipped.HeaderFormat != "TEXT" || shipped.Header != "Order {{1}}" {
		t.Errorf("order_shipped = %+v", shipped)
	}
	if _, ok := set.approved("festive_sale", "en"); ok {
		t.Error("a PENDING template counts as approved")
	}
}

func TestLoadTemplates(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`[{"name":"a","language":"en","body":"x","approval_status":"APPROVED"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	templates, err := LoadTemplates(good)
	if err != nil || len(templates) != 1 || templates[0].Name != "a" {
		t.Fatalf("LoadTemplates = %v, %v", templates, err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"name":"a"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTemplates(bad); err == nil {
		t.Error("a template without language loaded")
	}
	if _, err := LoadTemplates(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestVariableCount(t *testing.T) {
	for text, want := range map[string]int{
		"":                            0,
		"Welcome!":                    0,
		"Hi {{1}}":                    1,
		"Hi {{1}}, order {{2}}":       2,
		"{{1}} and {{ 1 }} and {{2}}": 2,
		"{{1}} {{01}}":                1,
		"{{x}} {1} {{3}}":             1,
	} {
		if got := VariableCount(text); got != want {
			t.Errorf("VariableCount(%q) = %d, want %d", text, got, want)
		}
	}
}
