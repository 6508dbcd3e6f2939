package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// liveDir holds the recorded shapes of exchanges with Interakt: written by
// a live run (make testacc-live) against a real account, and until one is
// sent back, from the seed document's examples and integrators' code, as
// each file's source says.
const liveDir = "testdata/live"

// replay is the request a recording stands for, with values the mock
// accepts: its shape must be the recording's, so that the mock answers the
// request Interakt answered. setup prepares the mock (a user to find, a
// campaign to name) and returns what body and query need of it.
type replay struct {
	setup func(t *testing.T, s *Server) string
	query func(setup string) string
	body  func(setup string) string
}

func fixed(s string) func(string) string { return func(string) string { return s } }

// qaUser is the user the replays of Get Users find, as a live run's
// Track Users leaves it.
const qaUser = `{"userId":"tf-acc-20261207-0001","phoneNumber":"9999999999","countryCode":"+91",` +
	`"traits":{"tf_acc_plan":"gold","tf_acc_visits":2,"tf_acc_active":true},"tags":["tf-acc"]}`

func trackQAUser(t *testing.T, s *Server) string {
	t.Helper()
	if w := post(s, wire.TrackUsersPath, "", qaUser); w.Code != http.StatusAccepted {
		t.Fatalf("track the QA user: %d %s", w.Code, w.Body)
	}
	return ""
}

// sendBody is the seed document's Example 1 as the provider sends it for
// the mock's order_shipped (a TEXT header with {{1}}, two body variables,
// a dynamic URL button at 0), with campaignId when campaign is given.
func sendBody(campaign string) string {
	id := ""
	if campaign != "" {
		id = `"campaignId":` + jsonString(campaign) + `,`
	}
	return `{"countryCode":"+91","phoneNumber":"9999999999","type":"Template","callbackData":"tf-acc",` + id +
		`"template":{"name":"order_shipped","languageCode":"en","headerValues":["A-1"],"bodyValues":["Asha","A-1"],"buttonValues":{"0":["A-1"]}}}`
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// createCampaign makes an API campaign for template and returns its id.
func createCampaign(t *testing.T, s *Server, template string) string {
	t.Helper()
	w := post(s, wire.CreateCampaignPath, "", `{"campaign_name":"tf-acc-20261207","campaign_type":"PublicAPI","template_name":`+
		jsonString(template)+`,"language_code":"en"}`)
	var answer wire.CreateCampaignResponse
	if w.Code != http.StatusOK && w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &answer) != nil || answer.Data.ID() == "" {
		t.Fatalf("create campaign: %d %s", w.Code, w.Body)
	}
	return answer.Data.ID()
}

// replays are the requests of the recordings, by file name.
var replays = map[string]replay{
	"send.json": {body: sendBody},
	"send_api_campaign.json": {
		setup: func(t *testing.T, s *Server) string { return createCampaign(t, s, "order_shipped") },
		body:  sendBody,
	},
	"send_other_campaign.json": {
		setup: func(t *testing.T, s *Server) string { return createCampaign(t, s, "welcome_message") },
		body:  sendBody,
	},
	"templates_list.json": {query: fixed("approval_status=APPROVED&offset=0")},
	"track_users.json":    {body: fixed(qaUser)},
	"users_by_phone.json": {
		setup: trackQAUser,
		query: fixed("offset=0&limit=100"),
		body:  fixed(`{"filters":[{"trait":"phone_number","op":"eq","val":"+919999999999"}]}`),
	},
	"users_by_user_id.json": {
		setup: trackQAUser,
		query: fixed("offset=0&limit=100"),
		body:  fixed(`{"filters":[{"trait":"user_id","op":"eq","val":"tf-acc-20261207-0001"}]}`),
	},
	"track_users_nested.json": {body: fixed(`{"userId":"tf-acc-qa-user","phoneNumber":"9999999999","countryCode":"+91",` +
		`"traits":{"tf_acc_nested":{"tf_acc_level":1}}}`)},
	"track_event_nested.json": {body: fixed(`{"userId":"tf-acc-qa-user","event":"tf_acc_event","traits":{"tf_acc_nested":{"tf_acc_level":1}}}`)},
	"track_event.json":        {body: fixed(`{"userId":"tf-acc-20261207-0001","event":"tf_acc_event","traits":{"tf_acc_step":1}}`)},
	"create_campaign.json": {body: fixed(`{"campaign_name":"tf-acc-20261207","campaign_type":"PublicAPI",` +
		`"template_name":"order_shipped","language_code":"en"}`)},
	"create_template.json": {body: fixed(`{"display_name":"tf_acc_20261207","language":"English","category":"Utility",` +
		`"header_format":null,"body":"Test {{1}} of the Terraform provider.","body_text":["1"]}`)},
}

// receiverSlots are recordings of the status receiver's answers, kept for
// what they confirm of Interakt's webhooks; the mock does not answer them.
var receiverSlots = []string{"status_api_campaign.json"}

func post(s *Server, path, query, body string) *httptest.ResponseRecorder {
	return do(s, http.MethodPost, path, query, body)
}

func do(s *Server, method, path, query, body string) *httptest.ResponseRecorder {
	target := path
	if query != "" {
		target += "?" + query
	}
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", testAuth)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// readShape reads one recording.
func readShape(t *testing.T, path string) wire.Shape {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var shape wire.Shape
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&shape); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if shape.Source == "" || shape.Method == "" || shape.Path == "" || shape.Status == 0 {
		t.Fatalf("%s: a recording names its source, method, path and status", path)
	}
	return shape
}

// conformance replays the recording's request against a fresh mock and
// lists how the exchange differs in shape from the recording.
func conformance(t *testing.T, name string, shape wire.Shape) []string {
	t.Helper()
	rp, ok := replays[name]
	if !ok {
		t.Fatalf("%s has no replay: add one to replays", name)
	}
	s := New(Options{RateLimit: -1})
	defer func() { _ = s.Close() }()
	var setup string
	if rp.setup != nil {
		setup = rp.setup(t, s)
	}
	var query, body string
	if rp.query != nil {
		query = rp.query(setup)
	}
	if rp.body != nil {
		body = rp.body(setup)
	}
	// The replay must be the recorded request, or the comparison says
	// nothing.
	var diffs []string
	keys := queryKeys(t, query)
	if !slices.Equal(keys, shape.QueryKeys) {
		t.Fatalf("%s: the replay's query keys %v are not the recorded %v: update its replay", name, keys, shape.QueryKeys)
	}
	request, err := wire.ShapeFields([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if d := wire.ShapeDiff(shape.Request, request); len(d) > 0 {
		t.Fatalf("%s: the replay's body is not the recorded request: update its replay:\n%s", name, strings.Join(d, "\n"))
	}
	w := do(s, shape.Method, shape.Path, query, body)
	if w.Code != shape.Status {
		diffs = append(diffs, "status: recorded "+http.StatusText(shape.Status)+", answered "+http.StatusText(w.Code))
	}
	answer, err := wire.ShapeFields(w.Body.Bytes())
	if err != nil {
		return append(diffs, "answer: "+err.Error())
	}
	return append(diffs, wire.ShapeDiff(shape.Answer, answer)...)
}

func queryKeys(t *testing.T, query string) []string {
	t.Helper()
	if query == "" {
		return nil
	}
	r := httptest.NewRequest(http.MethodGet, "/?"+query, nil)
	var keys []string
	for k := range r.URL.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestConformanceToRecordings replays every recorded exchange against the
// mock and fails where the mock's answer differs in shape from Interakt's
// as recorded: a field renamed, missing, added, or of another type, or
// another status. Each recording says where it came from.
func TestConformanceToRecordings(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(liveDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			shape := readShape(t, path)
			t.Logf("%s: %s %s, from %s", name, shape.Method, shape.Path, shape.Source)
			if slices.Contains(receiverSlots, name) {
				if !strings.HasPrefix(shape.Path, wire.StatusPathPrefix) {
					t.Errorf("%s: a receiver slot records a path under %s, not %s", name, wire.StatusPathPrefix, shape.Path)
				}
				return
			}
			for _, d := range conformance(t, name, shape) {
				t.Errorf("%s (%s): %s", name, shape.Source, d)
			}
		})
	}
	for name := range replays {
		if !seen[name] {
			t.Errorf("replay %s has no recording in %s", name, liveDir)
		}
	}
	for _, name := range receiverSlots {
		if !seen[name] {
			t.Errorf("receiver slot %s has no recording in %s", name, liveDir)
		}
	}
}

// TestConformanceFailsOnADoctoredRecording: a recording whose answer
// names a field otherwise, or gives it another type, than the mock
// answers is a failure that names the field.
func TestConformanceFailsOnADoctoredRecording(t *testing.T) {
	t.Parallel()
	shape := readShape(t, filepath.Join(liveDir, "send.json"))
	if d := conformance(t, "send.json", shape); len(d) != 0 {
		t.Fatalf("the recording as it is: %v", d)
	}
	renamed := shape
	renamed.Answer = map[string]string{}
	for k, v := range shape.Answer {
		if k == "id" {
			k = "message_id"
		}
		renamed.Answer[k] = v
	}
	d := conformance(t, "send.json", renamed)
	if !slices.Contains(d, "message_id: recorded as string, missing") || !slices.Contains(d, "id: answered as string, not recorded") {
		t.Errorf("a renamed field: %v", d)
	}
	retyped := shape
	retyped.Answer = map[string]string{}
	for k, v := range shape.Answer {
		retyped.Answer[k] = v
	}
	retyped.Answer["result"] = "string"
	if d := conformance(t, "send.json", retyped); !slices.Equal(d, []string{"result: recorded as string, answered as boolean"}) {
		t.Errorf("a field of another type: %v", d)
	}
	restatused := shape
	restatused.Status = http.StatusOK
	if d := conformance(t, "send.json", restatused); len(d) != 1 || !strings.HasPrefix(d[0], "status:") {
		t.Errorf("another status: %v", d)
	}
}

// TestShapeKeepsNoValue: a recording holds field names and types, never a
// value.
func TestShapeKeepsNoValue(t *testing.T) {
	t.Parallel()
	fields, err := wire.ShapeFields([]byte(`{"id":"6c2d7175","phoneNumber":"9999999999","n":3,"ok":true,"data":{"campaignId":"c-1"},` +
		`"items":[{"a":"x"},{"a":null,"b":1}],"tags":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"id": "string", "phoneNumber": "string", "n": "number", "ok": "boolean", "data": "object",
		"data.campaignId": "string", "items": "array", "items[]": "object", "items[].a": "null|string", "items[].b": "number", "tags": "array"}
	if d := wire.ShapeDiff(want, fields); len(d) != 0 || len(fields) != len(want) {
		t.Errorf("fields %v: %v", fields, d)
	}
	for _, v := range fields {
		if strings.Contains(v, "6c2d") || strings.Contains(v, "9999") || strings.Contains(v, "c-1") {
			t.Errorf("a value in the shape: %v", fields)
		}
	}
}
