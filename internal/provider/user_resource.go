package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/interakt-community/terraform-provider-interakt/internal/client"
	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

var (
	_ resource.Resource                   = &userResource{}
	_ resource.ResourceWithConfigure      = &userResource{}
	_ resource.ResourceWithValidateConfig = &userResource{}
	_ resource.ResourceWithModifyPlan     = &userResource{}
	_ resource.ResourceWithImportState    = &userResource{}
)

// privateImported marks, in an imported user's private state, that the
// next Read takes every trait and tag Interakt holds, as the user has no
// configuration yet to say which are managed.
const privateImported = "imported"

// privateUpsertedAt is the time (RFC 3339, as a JSON string) of the last
// Track Users request, in the user's private state: Interakt applies one
// after answering, so until userApplyWindow has passed a user Get Users
// does not list may only not be applied yet.
const privateUpsertedAt = "upserted_at"

// userApplyWindow is how long after an upsert a user missing from Get
// Users is taken as not applied yet rather than gone. Interakt does not
// say how long it takes; a user still missing after this is taken as gone.
const userApplyWindow = 10 * time.Minute

// NewUserResource returns the interakt_user resource.
func NewUserResource() resource.Resource {
	return &userResource{}
}

// userResource is a user (contact) of the Interakt account, recorded
// through the Track Users API and read back through Get Users. Interakt
// has no API to delete a user.
type userResource struct {
	data *providerData
}

type userModel struct {
	ID          types.String  `tfsdk:"id"`
	UserID      types.String  `tfsdk:"user_id"`
	CountryCode types.String  `tfsdk:"country_code"`
	PhoneNumber types.String  `tfsdk:"phone_number"`
	Traits      types.Dynamic `tfsdk:"traits"`
	Tags        types.List    `tfsdk:"tags"`
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user (contact) of the Interakt account, such as a QA user that ongoing campaigns message, recorded through Interakt's Track Users API. " +
			"Create and update send one upsert with the configured traits and tags; a change of traits or tags is an update in place. " +
			"An identity attribute (`user_id`, `country_code`, `phone_number`) changed to another value replaces the resource; one added or removed " +
			"is an update in place of the same user.\n\n" +
			"With an API key, every refresh finds the user through the Get Users API and compares only the traits and tags the configuration manages: " +
			"traits and tags set in the dashboard or by other systems are never drift and are never removed. Interakt has no API to delete a user: " +
			"destroying only forgets it, with a warning. Removing a trait or tag from the configuration likewise leaves it on the user.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`user_id` when set, otherwise `<country_code> <phone_number>` (such as `+91 9999999999`): the form the import id takes. " +
					"Known at plan unless an identity attribute is known only at apply.",
				Computed: true,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "Your system's id of the user. Give it, or `country_code` and `phone_number`, or both. " + identityChange,
				Optional:            true,
				PlanModifiers:       []planmodifier.String{replacedWhenChanged()},
			},
			"country_code": schema.StringAttribute{
				MarkdownDescription: "The country calling code with `+`, such as `+91`; given with `phone_number`. " + identityChange,
				Optional:            true,
				PlanModifiers:       []planmodifier.String{replacedWhenChanged()},
			},
			"phone_number": schema.StringAttribute{
				MarkdownDescription: "The national number, digits only, checked at plan by the same rules as a message's recipient (`parse_phone` splits an international number). " +
					identityChange,
				Optional:      true,
				PlanModifiers: []planmodifier.String{replacedWhenChanged()},
			},
			"traits": schema.DynamicAttribute{
				MarkdownDescription: "The user's traits this configuration manages, as an object: `{ name = \"Asha\", amount = 2000, vip = true }`. Each value keeps its type " +
					"in the request: a number is sent as a JSON number, a boolean as a boolean, a string as a string. Values are flat (strings, numbers, booleans; " +
					"a date as an RFC 3339 string): an object or list is an error at plan. Other traits of the user are left alone.",
				Optional: true,
			},
			"tags": schema.ListAttribute{
				MarkdownDescription: "Tags this configuration manages, each non-empty and given once. Other tags of the user are left alone, and a tag removed " +
					"from this list stays on the user.",
				Optional:    true,
				ElementType: types.StringType,
			},
		},
	}
}

// identityChange says how a change of an identity attribute is planned.
const identityChange = "Changing it to another value replaces the resource (another user); adding it to a user named by the other identity, " +
	"or removing it, is an update in place of the same user."

// replacedWhenChanged replaces the user when an identity attribute goes
// from one value to another: that names another user. Adding one (such as
// a user_id to a user known by phone, which the upsert attaches) or
// dropping one keeps the same user.
func replacedWhenChanged() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull()
	}, "Replaces the resource when the value changes to another value.", "Replaces the resource when the value changes to another value.")
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer r.data.report(&resp.Diagnostics)
	var plan userModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sentAt := time.Now()
	resp.Diagnostics.Append(r.upsert(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.markUpserted(ctx, resp.Private, sentAt)...)
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// markUpserted records in private state when the upsert was sent, so that
// Read knows Interakt may not have applied it yet. A dry run sends none.
func (r *userResource) markUpserted(ctx context.Context, private privateState, sentAt time.Time) diag.Diagnostics {
	if private == nil || r.data == nil || r.data.dryRun {
		return nil
	}
	return private.SetKey(ctx, privateUpsertedAt, []byte(strconv.Quote(sentAt.UTC().Format(time.RFC3339Nano))))
}

// privateState is the part of the framework's private state a resource
// writes.
type privateState interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// Update sends one upsert with the identity and the managed traits and
// tags, unless the last refresh found every one of them in Interakt
// already (as after an import, whose state held all of the user's traits
// and its whole identity): then nothing is sent.
func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer r.data.report(&resp.Diagnostics)
	var plan, prior userModel
	resp.Diagnostics.Append(getModel(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(getModel(ctx, req.State, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if identityHeld(plan, prior) && traitsHeld(plan.Traits, prior.Traits) && tagsHeld(plan.Tags, prior.Tags) {
		tflog.Debug(ctx, "user already holds every managed trait and tag; nothing sent")
		if id, ok := userID(plan); ok {
			plan.ID = types.StringValue(id)
		}
	} else {
		sentAt := time.Now()
		resp.Diagnostics.Append(r.upsert(ctx, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(r.markUpserted(ctx, resp.Private, sentAt)...)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &plan)...)
}

// identityHeld tells whether every identity attribute plan gives is
// prior's: an added one must be sent, a dropped one need not.
func identityHeld(plan, prior userModel) bool {
	for _, pair := range [][2]types.String{{plan.UserID, prior.UserID}, {plan.CountryCode, prior.CountryCode}, {plan.PhoneNumber, prior.PhoneNumber}} {
		if !pair[0].IsNull() && !pair[0].Equal(pair[1]) {
			return false
		}
	}
	return true
}

// upsert sends m through the Track Users API and sets its id.
func (r *userResource) upsert(ctx context.Context, m *userModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.data == nil {
		diags.Append(providerNotConfigured("Recording a user"))
		return diags
	}
	id, ok := userID(*m)
	if !ok {
		diags.AddError("Unknown User Identity", "The user's identity is still unknown at apply. Nothing was sent. "+reportBug)
		return diags
	}
	m.ID = types.StringValue(id)
	traits, d := traitsPayload(m.Traits)
	diags.Append(d...)
	tags, d := stringList(m.Tags)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	u := wire.TrackUser{
		UserID: m.UserID.ValueString(), CountryCode: m.CountryCode.ValueString(), PhoneNumber: m.PhoneNumber.ValueString(),
		Traits: traits, Tags: tags,
	}
	if r.data.dryRun {
		tflog.Info(ctx, "dry run: user not recorded", map[string]any{"traits": len(traits), "tags": len(tags)})
		diags.AddWarning("User Not Recorded (Dry Run)",
			"The provider's dry_run is set, so the Track Users request was built but not sent; the state records the user as configured.")
		return diags
	}
	if r.data.api == nil {
		diags.Append(apiKeyMissing(r.data, "Recording this user", "nothing was sent"))
		return diags
	}
	ctx = maskSecrets(ctx, r.data.secrets)
	if err := r.data.api.TrackUser(ctx, u); err != nil {
		outcome := "Interakt refused it, so nothing changed"
		switch {
		case client.KindOf(err) == client.KindUnsent:
			outcome = "The request was not sent, so nothing changed"
		case !client.IsCertain(err):
			outcome = "Interakt may or may not have recorded it"
		}
		diags.AddError("User Not Recorded",
			fmt.Sprintf("The Track Users request for %s failed: %s\n\n%s. Track Users is an upsert, so applying again is safe.", userLabel(*m), err, outcome))
	}
	return diags
}

// userLabel names a user in diagnostics without quoting a phone number,
// which is personal data: by user id when it has one.
func userLabel(m userModel) string {
	if !m.UserID.IsNull() && !m.UserID.IsUnknown() {
		return fmt.Sprintf("the user %q", m.UserID.ValueString())
	}
	return "the user of this phone_number"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// stringList returns a list of strings' values, nil for null.
func stringList(l types.List) ([]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if l.IsNull() || l.IsUnknown() {
		return nil, diags
	}
	out := make([]string, 0, len(l.Elements()))
	for i, v := range l.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			diags.AddAttributeError(path.Root("tags").AtListIndex(i), "Invalid Tag", "The tag is not a known string at apply. Nothing was sent.")
			continue
		}
		out = append(out, s.ValueString())
	}
	return out, diags
}

// Read finds the user with an API key (not in a dry run), by phone number
// when it has one, and reports drift in the managed traits and tags only.
// A user Interakt does not list leaves the state (with a warning, and the
// next apply records it again) only when Interakt shows it gone: looked up
// by phone, and its last upsert older than userApplyWindow. Otherwise it
// stays, with a warning: Interakt may not have applied the upsert yet, and
// a lookup by user id alone is unconfirmed.
func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer r.data.report(&resp.Diagnostics)
	var m userModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() || !r.data.readsAccount() {
		return
	}
	var imported, upserted []byte
	if req.Private != nil {
		var d diag.Diagnostics
		imported, d = req.Private.GetKey(ctx, privateImported)
		resp.Diagnostics.Append(d...)
		upserted, d = req.Private.GetKey(ctx, privateUpsertedAt)
		resp.Diagnostics.Append(d...)
	}
	key := client.UserKey{UserID: m.UserID.ValueString(), CountryCode: m.CountryCode.ValueString(), PhoneNumber: m.PhoneNumber.ValueString()}
	ctx = maskSecrets(ctx, r.data.secrets)
	found, ok, err := r.data.api.FindUser(ctx, key)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Read the User",
			fmt.Sprintf("Looking up %s through Interakt's Get Users API failed: %s\n\nNothing was sent or changed. "+
				"Retry; to plan without reading the account, run terraform plan -refresh=false.", userLabel(m), err))
		return
	}
	if !ok {
		if len(imported) > 0 {
			resp.Diagnostics.AddError("User Not Found",
				fmt.Sprintf("Interakt's Get Users API does not list %s, so there is nothing to import. Check the id: a user id as is, or \"+<country code> <phone number>\".", userLabel(m)))
			return
		}
		switch {
		case !key.ByPhone():
			resp.Diagnostics.AddWarning("User Not Confirmed in Interakt",
				fmt.Sprintf("Interakt's Get Users API does not list %s. It was looked up by user_id alone, which Get Users is not known to "+
					"filter by and whose answers may not carry user_id, so this does not show it gone: the user stays in the state as it "+
					"was, and nothing is recorded again. Give country_code and phone_number too, so that refreshes find it by phone.", userLabel(m)))
		case pendingUpsert(upserted, "", time.Now()):
			resp.Diagnostics.AddWarning("User Not Yet Listed by Interakt",
				fmt.Sprintf("Interakt's Get Users API does not list %s yet: Track Users answers before Interakt applies it, and the last "+
					"upsert was less than %s ago. The user stays in the state as it was; a later refresh finds it.", userLabel(m), userApplyWindow))
		default:
			resp.Diagnostics.AddWarning("User Not Found in Interakt",
				fmt.Sprintf("Interakt's Get Users API lists no user with the phone number of %s: it was deleted in Interakt. "+
					"The user was removed from the state, and the next apply records it again.", userLabel(m)))
			resp.State.RemoveResource(ctx)
		}
		return
	}
	if len(imported) > 0 {
		importIdentity(&m, found)
		m.Traits = allTraits(found.Traits)
		m.Tags = tagsList(found.Tags)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	} else if pendingUpsert(upserted, found.ModifiedAtUTC, time.Now()) {
		tflog.Debug(ctx, "Interakt lists the user as before the last upsert, which it has not applied yet; the state is kept")
	} else {
		if traits, changed := managedTraits(m.Traits, found.Traits); changed {
			tflog.Debug(ctx, "managed traits differ in Interakt")
			m.Traits = traits
		}
		m.Tags = managedTags(m.Tags, found.Tags)
	}
	resp.Diagnostics.Append(setModel(ctx, &resp.State, &m)...)
}

// pendingUpsert reports whether Interakt may not have applied the last
// upsert (its time in private state) to what it lists: it was sent within
// userApplyWindow of now, and the user's modified time (RFC 3339; "" for a
// user not listed) is not after it. A listing modified since shows the
// upsert applied, so its differences are drift.
func pendingUpsert(upserted []byte, modifiedAt string, now time.Time) bool {
	if len(upserted) == 0 {
		return false
	}
	text, err := strconv.Unquote(string(upserted))
	if err != nil {
		return false
	}
	sent, err := time.Parse(time.RFC3339Nano, text)
	if err != nil || now.Sub(sent) >= userApplyWindow {
		return false
	}
	modified, err := time.Parse(time.RFC3339Nano, modifiedAt)
	return err != nil || modified.Before(sent)
}

// Delete only forgets the user: Interakt has no API to delete one.
func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m userModel
	resp.Diagnostics.Append(getModel(ctx, req.State, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("User Left in Interakt",
		fmt.Sprintf("%s was removed from the state only: Interakt has no API to delete a user, so it stays in the account with its traits and tags. "+
			"Delete it in Interakt's dashboard if it is no longer wanted.", capitalize(userLabel(m))))
}
