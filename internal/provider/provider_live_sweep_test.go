package provider

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// The live sweeper (make sweep-live: go test -sweep=account) lists what
// live runs left in the account. Interakt has no API to delete a user, a
// user's tags or traits, a template or an API campaign, so it removes
// nothing and says where each can be removed.
func init() {
	resource.AddTestSweepers("interakt_live", &resource.Sweeper{
		Name: "interakt_live",
		F:    func(string) error { return sweepLive(os.Getenv, os.Stdout) },
	})
}

// sweepLive prints what live runs left in the account of getenv's live
// settings; without them, one line naming what is missing.
func sweepLive(getenv func(string) string, out io.Writer) error {
	if line := liveMissing(getenv); line != "" {
		_, err := fmt.Fprintln(out, strings.Replace(line, "live acceptance tests skipped", "live sweep skipped", 1))
		return err
	}
	a, err := liveAccountFromEnv(getenv)
	if err != nil {
		return err
	}
	c, err := client.New(client.Config{BaseURL: a.baseURL, APIKey: a.apiKey, RateLimitPerMinute: 40, RateWindow: a.window, MaxRetries: 2})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	lines, err := sweepReport(ctx, c, a)
	for _, line := range lines {
		if _, werr := fmt.Fprintln(out, line); werr != nil {
			return werr
		}
	}
	return err
}

// sweepReport lists the live runs' leftovers: the QA user's tf-acc- tags
// and tf_acc_ traits, and tf_acc_ templates of every status, each with
// whether it can be removed.
func sweepReport(ctx context.Context, c *client.Client, a *liveAccount) ([]string, error) {
	var lines []string
	user, found, err := c.FindUser(ctx, client.UserKey{UserID: liveUserID, CountryCode: a.countryCode, PhoneNumber: a.phoneNumber})
	switch {
	case err != nil:
		return lines, fmt.Errorf("looking up the QA user: %w", err)
	case !found:
		lines = append(lines, "user "+liveUserID+": none on "+envLivePhone)
	default:
		tags := slices.DeleteFunc(slices.Clone([]string(user.Tags)), func(t string) bool { return !strings.HasPrefix(t, "tf-acc") })
		var traits []string
		for name := range user.Traits {
			if strings.HasPrefix(name, "tf_acc_") {
				traits = append(traits, name)
			}
		}
		slices.Sort(traits)
		lines = append(lines, fmt.Sprintf("user %s: tags %s; traits %s. Cannot remove: Interakt has no API to delete a user or its tags and traits; remove them in the dashboard's contacts",
			liveUserID, listOrNone(tags), listOrNone(traits)))
	}
	templates, err := c.ListTemplates(ctx, wire.ApprovalStatuses...)
	if err != nil {
		return lines, fmt.Errorf("listing templates: %w", err)
	}
	left := 0
	for _, t := range templates {
		if strings.HasPrefix(t.Name, "tf_acc_") {
			left++
			lines = append(lines, fmt.Sprintf("template %s:%s: %s. Cannot remove: Interakt has no API to delete a template; delete it in the dashboard (Meta keeps its name for 30 days)",
				t.Name, t.Language, t.ApprovalStatus))
		}
	}
	if left == 0 {
		lines = append(lines, "templates tf_acc_*: none")
	}
	lines = append(lines, "API campaigns tf-acc-*: Interakt has no API to list or delete them; they hold only the runs' messages in the dashboard's reports")
	return lines, nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
