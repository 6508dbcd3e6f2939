package contract

import (
	"testing"

	"github.com/interakt-community/terraform-provider-interakt/internal/wire"
)

// BenchmarkValidateAndEncode measures what a send costs before the
// network: the contract checks, building the request and encoding it, for
// DESIGN's full example.
func BenchmarkValidateAndEncode(b *testing.B) {
	c, v := ContractOf(orderShipped()), designValues()
	c.HeaderFormat = ptr(HeaderDocument) // DESIGN's request carries a file name
	v.HeaderValues = ListOf("https://cdn.example.com/media/invoice-A-1001.pdf")
	if ps := ValidateValues(c, v); len(ps) != 0 {
		b.Fatalf("the example has problems: %v", ps)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ps := ValidateValues(c, v); ps != nil {
			b.Fatal(ps)
		}
		if _, err := wire.Encode(ToMessage(c, v)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "payloads/s")
}

// BenchmarkValidateValues measures the contract checks alone.
func BenchmarkValidateValues(b *testing.B) {
	c, v := ContractOf(orderShipped()), smokeValues()
	b.ReportAllocs()
	for b.Loop() {
		if ps := ValidateValues(c, v); ps != nil {
			b.Fatal(ps)
		}
	}
}

// BenchmarkValidateTemplate measures the declaration checks of
// DESIGN's template.
func BenchmarkValidateTemplate(b *testing.B) {
	d := orderShipped()
	b.ReportAllocs()
	for b.Loop() {
		if ps := ValidateTemplate(d); ps != nil {
			b.Fatal(ps)
		}
	}
}

// BenchmarkParsePhone measures the phone number library's parse.
func BenchmarkParsePhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParsePhone("+91 99999-99999"); err != nil {
			b.Fatal(err)
		}
	}
}
