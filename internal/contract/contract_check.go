package contract

var (
	ruleContractHeaderFormat = newRule("contract_header_format", Error, "Invalid Contract Header Format",
		"A contract's header_format is NONE, TEXT, IMAGE, VIDEO or DOCUMENT.")
	ruleContractHeaderVariables = newRule("contract_header_variables", Error, "Invalid Contract Header Variables",
		"A contract's header_variables is 0 or 1, and 1 only with a TEXT header.")
	ruleContractBodyVariables = newRule("contract_body_variables", Error, "Invalid Contract Body Variables",
		"A contract's body_variables is 0 or more.")
	ruleContractButtonIndex = newRule("contract_button_index", Error, "Invalid Contract Button Index",
		"A contract's button indexes are 0 to 9, each used once.")
	ruleContractButtonType = newRule("contract_button_type", Error, "Invalid Contract Button Type",
		"A contract button's type is QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE.")
	ruleContractButtonDynamic = newRule("contract_button_dynamic", Error, "Invalid Contract Button",
		"Only a URL button can be dynamic.")
)

// ValidateContract checks a contract written by hand; a contract from
// ContractOf always passes. Paths are relative to the contract object.
// Name and LanguageCode are checked when not empty: an empty one is either
// unknown or left to the schema, which requires both.
func ValidateContract(c Contract) []Problem {
	var ps []Problem
	if c.Name != "" {
		ps = checkTemplateName(ps, Root("name"), StrOf(c.Name))
	}
	if c.LanguageCode != "" {
		ps = checkLanguageCode(ps, Root("language_code"), StrOf(c.LanguageCode))
	}
	if c.HeaderFormat != nil {
		switch *c.HeaderFormat {
		case HeaderNone, HeaderText, HeaderImage, HeaderVideo, HeaderDocument:
		default:
			ps = append(ps, ruleContractHeaderFormat.atf(Root("header_format"),
				"The header_format is %q; use NONE, TEXT, IMAGE, VIDEO or DOCUMENT, as the template declares.", *c.HeaderFormat))
		}
	}
	if hv := c.HeaderVariables; hv != nil {
		textHeader := c.HeaderFormat == nil || *c.HeaderFormat == HeaderText
		if *hv < 0 || *hv > 1 || *hv == 1 && !textHeader {
			ps = append(ps, ruleContractHeaderVariables.atf(Root("header_variables"),
				"The header_variables is %d; a TEXT header has 0 or 1 variable and other headers have none.", *hv))
		}
	}
	if bv := c.BodyVariables; bv != nil && *bv < 0 {
		ps = append(ps, ruleContractBodyVariables.atf(Root("body_variables"), "The body_variables is %d; give the number of {{n}} variables in the body, 0 or more.", *bv))
	}
	for i, b := range c.Buttons {
		p := Root("buttons").Index(i)
		if b.Index < 0 || b.Index >= MaxButtons {
			ps = append(ps, ruleContractButtonIndex.atf(p.Name("index"), "The index is %d; button indexes are 0 to %d, counted from the template's first button.", b.Index, MaxButtons-1))
		} else if j := firstButtonIndex(c.Buttons, b.Index); j < i {
			ps = append(ps, ruleContractButtonIndex.atf(p.Name("index"), "The index %d is also used by buttons[%d]; each button has its own index.", b.Index, j))
		}
		switch b.Type {
		case ButtonQuickReply, ButtonURL, ButtonPhoneNumber, ButtonCopyCode:
		default:
			ps = append(ps, ruleContractButtonType.atf(p.Name("type"), "The type is %q; use QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE.", b.Type))
		}
		if b.Dynamic && b.Type != ButtonURL {
			ps = append(ps, ruleContractButtonDynamic.atf(p.Name("dynamic"), "A %s button cannot be dynamic; only a URL button whose url ends with {{1}} is.", b.Type))
		}
	}
	return ps
}

func firstButtonIndex(bs []ContractButton, index int) int {
	for j, b := range bs {
		if b.Index == index {
			return j
		}
	}
	return -1
}
