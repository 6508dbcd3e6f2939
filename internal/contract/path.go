package contract

import (
	"strconv"
	"strings"
)

// StepKind says which field of a Step is meaningful.
type StepKind uint8

// The kinds of path steps.
const (
	// StepName selects a nested attribute by name.
	StepName StepKind = iota
	// StepIndex selects a list element by its position.
	StepIndex
	// StepKey selects a map element by its key.
	StepKey
)

// Step is one element of a Path: an attribute name, a list index or a map
// key, as told by Kind.
type Step struct {
	Name  string
	Index int
	Key   string
	Kind  StepKind
}

// Path locates a value inside the configuration, from an attribute at the
// root of a resource (or of a values object) downwards. Paths are built by
// copying, so a shared prefix is never changed by extending it.
type Path []Step

// Root starts a path at the named top-level attribute.
func Root(name string) Path {
	return Path{{Name: name, Kind: StepName}}
}

// Name returns p extended by the nested attribute name.
func (p Path) Name(name string) Path {
	return p.with(Step{Name: name, Kind: StepName})
}

// Index returns p extended by the list index i.
func (p Path) Index(i int) Path {
	return p.with(Step{Index: i, Kind: StepIndex})
}

// Key returns p extended by the map key k.
func (p Path) Key(k string) Path {
	return p.with(Step{Key: k, Kind: StepKey})
}

// Concat returns p followed by q, for example a recipient's path followed
// by a path relative to that recipient's values.
func (p Path) Concat(q Path) Path {
	out := make(Path, 0, len(p)+len(q))
	out = append(out, p...)
	return append(out, q...)
}

func (p Path) with(s Step) Path {
	out := make(Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, s)
}

// Equal reports whether p and q have the same steps.
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// String renders p the way Terraform shows attribute paths, for example
// buttons[2].url or button_values["0"][0].
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		switch s.Kind {
		case StepName:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.Name)
		case StepIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.Index))
			b.WriteByte(']')
		case StepKey:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.Key))
			b.WriteByte(']')
		}
	}
	return b.String()
}
