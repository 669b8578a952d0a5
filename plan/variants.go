package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// VariantKind says how a variant's features relate to the plan's groups.
type VariantKind int

// The kinds of variant, in the order Variants lists them.
const (
	KindAll   VariantKind = iota // base features and every group
	KindMinus                    // base features and every group but one
	KindBase                     // base features only
	KindPlus                     // base features and one group
)

// String returns the kind's name as logs show it.
func (k VariantKind) String() string {
	switch k {
	case KindAll:
		return "all"
	case KindMinus:
		return "minus"
	case KindBase:
		return "base"
	case KindPlus:
		return "plus"
	}
	return "VariantKind(" + strconv.Itoa(int(k)) + ")"
}

// Variant is one feature set of the ablation.
type Variant struct {
	Name      string // "all", "-family", "base", "+family"
	Kind      VariantKind
	Group     string   // the group removed or added, for KindMinus and KindPlus
	Features  []string // base first, then groups in plan order
	SameAs    string   // the variant with the same feature set that is run instead of this one, else ""
	Reference string   // the variant it is compared to: "all" for KindMinus, "base" for KindPlus, else ""
}

// Variants lists "all", "-g" for each group, "base", "+g" for each group,
// in that order.
//
// A variant whose feature set equals that of another gets SameAs set to the
// first of them in the order all, base, -g..., +g... (which differs from the
// returned order so that the references all and base are the ones run). So
// "all" and "base" are never SameAs anything, except that base is SameAs
// "all" when the plan has no groups; with one group, "-g" is SameAs "base"
// and "+g" SameAs "all"; with two, "+a" is SameAs "-b" and "+b" SameAs "-a".
func (p *Plan) Variants() []Variant {
	n := len(p.Groups)
	// features is the base features plus the groups include accepts, in
	// plan order; always a fresh slice so callers cannot alter the plan.
	features := func(include func(i int) bool) []string {
		fs := append([]string(nil), p.BaseFeatures...)
		for i, g := range p.Groups {
			if include(i) {
				fs = append(fs, g.Features...)
			}
		}
		return fs
	}
	all := Variant{Name: "all", Kind: KindAll, Features: features(func(int) bool { return true })}
	base := Variant{Name: "base", Kind: KindBase, Features: features(func(int) bool { return false })}
	minus := make([]Variant, n)
	plus := make([]Variant, n)
	for i, g := range p.Groups {
		minus[i] = Variant{Name: "-" + g.Name, Kind: KindMinus, Group: g.Name, Reference: "all",
			Features: features(func(j int) bool { return j != i })}
		plus[i] = Variant{Name: "+" + g.Name, Kind: KindPlus, Group: g.Name, Reference: "base",
			Features: features(func(j int) bool { return j == i })}
	}

	// Dedupe in the canonical order, so the references win ties.
	first := map[string]string{}
	mark := func(v *Variant) {
		k := setKey(v.Features)
		if name, ok := first[k]; ok {
			v.SameAs = name
			return
		}
		first[k] = v.Name
	}
	mark(&all)
	mark(&base)
	for i := range minus {
		mark(&minus[i])
	}
	for i := range plus {
		mark(&plus[i])
	}

	out := make([]Variant, 0, 2+2*n)
	out = append(out, all)
	out = append(out, minus...)
	out = append(out, base)
	out = append(out, plus...)
	return out
}

// setKey identifies a feature set regardless of order. Names are
// length-prefixed, so no feature name can make two sets collide.
func setKey(features []string) string {
	sorted := append([]string(nil), features...)
	slices.Sort(sorted)
	var b strings.Builder
	for _, f := range sorted {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	return b.String()
}

// Variant finds a variant by name ("all", "base", "-g", "+g").
func (p *Plan) Variant(name string) (Variant, error) {
	vs := p.Variants()
	names := make([]string, len(vs))
	for i, v := range vs {
		if v.Name == name {
			return v, nil
		}
		names[i] = v.Name
	}
	return Variant{}, fmt.Errorf("plan %s has no variant %q; valid variants: %s", p.Name, name, strings.Join(names, ", "))
}

// RunSpec is one run of the plan: a variant trained with one seed.
type RunSpec struct {
	Variant Variant
	Seed    int64
	Name    string // RunName(plan name, variant, seed)
}

// Runs lists one RunSpec per variant that is run (SameAs == "") and seed.
// The references come first, so results to compare against exist early:
// every seed of "all", then of "base", then the other variants in the order
// of Variants, each with its seeds in plan order.
func (p *Plan) Runs() []RunSpec {
	vs := p.Variants()
	var out []RunSpec
	add := func(ref bool) {
		for _, v := range vs {
			isRef := v.Kind == KindAll || v.Kind == KindBase
			if v.SameAs != "" || isRef != ref {
				continue
			}
			for _, s := range p.Seeds {
				out = append(out, RunSpec{Variant: v, Seed: s, Name: RunName(p.Name, v, s)})
			}
		}
	}
	add(true)
	add(false)
	return out
}

// RunName builds a descriptive, file-name-safe run name:
// <plan>_<variant slug>_s<seed>, where the slug is "all", "base",
// "minus_<group>" or "plus_<group>" and a negative seed is written "m5"
// (so seed -5 gives "sm5"). Characters not allowed in names are replaced,
// so the result is safe even for names Parse would reject.
func RunName(planName string, v Variant, seed int64) string {
	var slug string
	switch v.Kind {
	case KindAll:
		slug = "all"
	case KindBase:
		slug = "base"
	case KindMinus:
		slug = "minus_" + v.Group
	case KindPlus:
		slug = "plus_" + v.Group
	default:
		slug = v.Name
	}
	s := strconv.FormatInt(seed, 10)
	if seed < 0 {
		s = "m" + s[1:]
	}
	return sanitizeName(planName) + "_" + sanitizeName(slug) + "_s" + s
}
