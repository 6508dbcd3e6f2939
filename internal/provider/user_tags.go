package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// tagsList is a list of every tag, null when there is none.
func tagsList(tags []string) types.List {
	if len(tags) == 0 {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(tags))
	for i, t := range tags {
		elems[i] = types.StringValue(t)
	}
	return types.ListValueMust(types.StringType, elems)
}

// managedTags keeps the tags of state that Interakt still holds, in order:
// a managed tag gone from the user is drift, and tags set elsewhere are
// not seen.
func managedTags(state types.List, remote []string) types.List {
	held, _ := stringList(state)
	if state.IsNull() || state.IsUnknown() {
		return state
	}
	kept := make([]attr.Value, 0, len(held))
	for _, t := range held {
		if slices.Contains(remote, t) {
			kept = append(kept, types.StringValue(t))
		}
	}
	if len(kept) == len(held) {
		return state
	}
	return types.ListValueMust(types.StringType, kept)
}

// tagsHeld tells whether every tag of plan is in prior.
func tagsHeld(plan, prior types.List) bool {
	planned, _ := stringList(plan)
	held, _ := stringList(prior)
	for _, t := range planned {
		if !slices.Contains(held, t) {
			return false
		}
	}
	return true
}

// droppedTags lists the tags of prior that plan no longer has.
func droppedTags(plan, prior types.List) []string {
	planned, _ := stringList(plan)
	held, _ := stringList(prior)
	var out []string
	for _, t := range held {
		if !slices.Contains(planned, t) {
			out = append(out, t)
		}
	}
	return out
}

func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}
