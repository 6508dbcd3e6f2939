package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// setTopLevel replaces top-level attributes of a state. State.SetAttribute
// rebuilds the whole state through the framework's types for each call,
// which for a campaign of 10,000 recipients is most of a refresh; here the
// new values are converted once and the other attributes (the recipients)
// are kept as they are.
func setTopLevel(ctx context.Context, state *tfsdk.State, values map[string]attr.Value) error {
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		return fmt.Errorf("reading the state: %w", err)
	}
	for name, v := range values {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		attrs[name] = tv
	}
	state.Raw = tftypes.NewValue(state.Raw.Type(), attrs)
	return nil
}
