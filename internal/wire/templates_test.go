package wire

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestButtonsDecodeAsInteraktLists(t *testing.T) {
	for _, tc := range []struct{ name, item, want string }{
		{"string", `{"buttons":"[{\"type\":\"URL\",\"text\":\"Track\",\"url\":\"https://x.example/{{1}}\",\"example\":[\"https://x.example/1\"]}]"}`, `[{URL Track https://x.example/{{1}}  [https://x.example/1]}]`},
		{"twice encoded", `{"buttons":"\"[{\\\"type\\\":\\\"QUICK_REPLY\\\",\\\"text\\\":\\\"Yes\\\"}]\""}`, `[{QUICK_REPLY Yes   []}]`},
		{"array", `{"buttons":[{"type":"COPY_CODE","example":"SAVE10"}]}`, `[{COPY_CODE    [SAVE10]}]`},
		{"empty object string", `{"buttons":"{}"}`, `[]`},
		{"null", `{"buttons":null}`, `[]`},
		{"absent", `{}`, `[]`},
	} {
		var info TemplateInfo
		if err := json.Unmarshal([]byte(tc.item), &info); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := fmt.Sprint(info.Buttons); got != tc.want {
			t.Errorf("%s: buttons = %s, want %s", tc.name, got, tc.want)
		}
	}
	var info TemplateInfo
	if err := json.Unmarshal([]byte(`{"buttons":5}`), &info); err == nil {
		t.Error("a number decoded as buttons")
	}
}

func TestButtonsEncodeAsString(t *testing.T) {
	got, err := json.Marshal(TemplateInfo{Name: "a", Buttons: Buttons{{Type: "QUICK_REPLY", Text: "Yes"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"","name":"a","language":"","category":"","approval_status":"","body":"","buttons":"[{\"type\":\"QUICK_REPLY\",\"text\":\"Yes\"}]"}`
	if string(got) != want {
		t.Errorf("encoded\n%s\nwant\n%s", got, want)
	}
}

func TestLanguageNamesRoundTrip(t *testing.T) {
	for code, name := range LanguageNames {
		if LanguageCode(name) != code {
			t.Errorf("LanguageCode(%q) = %q, want %q", name, LanguageCode(name), code)
		}
	}
	if LanguageCode("Klingon") != "" {
		t.Error("an unknown name has a code")
	}
}
