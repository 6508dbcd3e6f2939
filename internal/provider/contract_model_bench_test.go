package provider

import (
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/contract"
)

// BenchmarkContractFromObject decodes a full contract with two buttons,
// as every plan of a message or campaign does once per request.
func BenchmarkContractFromObject(b *testing.B) {
	text, two, zero := "TEXT", 2, 1
	obj := contractValue(contract.Contract{
		Name: "order_shipped", LanguageCode: "en", HeaderFormat: &text, HeaderVariables: &zero, BodyVariables: &two,
		Buttons:      []contract.ContractButton{{Index: 0, Type: "URL", Dynamic: true}, {Index: 1, Type: "QUICK_REPLY"}},
		ButtonsKnown: true,
	})
	b.ReportAllocs()
	for b.Loop() {
		if c := contractFromObject(obj); !c.ButtonsKnown {
			b.Fatal("buttons not read")
		}
	}
}
