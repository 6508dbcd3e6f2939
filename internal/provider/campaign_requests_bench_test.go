package provider

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/mock"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// requestKinds are the provider's requests the mock saw, by kind.
type requestKinds struct {
	listing, send, other int
}

// countRequestKinds counts the provider's requests at srv (by their
// User-Agent): template listings, sends, and everything else.
func countRequestKinds(srv *mock.Server) requestKinds {
	var k requestKinds
	for _, r := range srv.Requests() {
		switch {
		case !strings.HasPrefix(r.Header.Get("User-Agent"), "terraform-provider-interakt/"):
		case r.Method == http.MethodGet && r.Path == wire.TemplatesPath:
			k.listing++
		case r.Method == http.MethodPost && r.Path == wire.MessagePath:
			k.send++
		default:
			k.other++
		}
	}
	return k
}

// applyRequestsRecipients is how many recipients BenchmarkApplyRequests's
// campaign has.
const applyRequestsRecipients = 20

// applyRequestsConfig is one interakt_template (the mock's approved
// order_shipped, declared without submit) and a campaign of n recipients
// of its contract, their phones numbered from first.
func applyRequestsConfig(srv *mock.Server, first, n int) string {
	var b strings.Builder
	b.WriteString(cliRequiredProviders + providerBlock(srv))
	b.WriteString(orderShippedConfig("order_shipped", "en", orderShippedBody, ""))
	b.WriteString("\nresource \"interakt_campaign\" \"launch\" {\n  template      = interakt_template.order_shipped.contract\n  callback_data = \"launch\"\n  recipients = {\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "    r%03d = { country_code = \"+91\", phone_number = \"97%08d\", header_values = [\"A-%d\"], body_values = [\"Asha\", \"A-%d\"], button_values = { \"0\" = [\"A-%d\"] } }\n",
			i, i, i, i, i)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// BenchmarkApplyRequests runs `terraform apply` of one template and a
// campaign of 20 recipients against the mock, as Terraform runs it: the
// provider built and started as a plan process and an apply process, with
// a cache folder of their own (and the tests' short rate window, since
// only the requests are counted here). It reports the requests the mock saw, by
// kind: template listings ("listing-requests"), sends ("send-requests")
// and any other ("other-requests"); then the same of the next apply, which
// finds the template in the state and sends to 20 other recipients
// ("next-listing-requests" and so on). Every request takes a slot of the
// key's budget, so listings are slots the sends do not get.
func BenchmarkApplyRequests(b *testing.B) {
	cli, err := findTestCLI()
	if err != nil {
		b.Skipf("no Terraform CLI: %v", err)
	}
	cliConfig := budgetCLIConfig(b)
	var first, next requestKinds
	for range b.N {
		b.StopTimer()
		srv := newTestMock(b, mock.Options{RateLimit: -1})
		dir := b.TempDir()
		apply := func(firstPhone int) requestKinds {
			before := countRequestKinds(srv)
			sent := len(srv.Sent())
			writeFile(b, filepath.Join(dir, "main.tf"), applyRequestsConfig(srv, firstPhone, applyRequestsRecipients))
			cmd := exec.Command(cli.path, "apply", "-auto-approve", "-input=false", "-no-color")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(),
				"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
				envAPIKey+"="+testAPIKey, envRateWindow+"="+testWindow.String(), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
			b.StartTimer()
			out, err := cmd.CombinedOutput()
			b.StopTimer()
			if err != nil {
				b.Fatalf("terraform apply: %v\n%s", err, out)
			}
			if n := len(srv.Sent()) - sent; n != applyRequestsRecipients {
				b.Fatalf("the mock accepted %d sends; want %d\n%s", n, applyRequestsRecipients, out)
			}
			after := countRequestKinds(srv)
			return requestKinds{listing: after.listing - before.listing, send: after.send - before.send, other: after.other - before.other}
		}
		first = apply(0)
		next = apply(applyRequestsRecipients)
		b.StartTimer()
	}
	b.ReportMetric(float64(first.listing), "listing-requests")
	b.ReportMetric(float64(first.send), "send-requests")
	b.ReportMetric(float64(first.other), "other-requests")
	b.ReportMetric(float64(next.listing), "next-listing-requests")
	b.ReportMetric(float64(next.send), "next-send-requests")
	b.ReportMetric(float64(next.other), "next-other-requests")
}
