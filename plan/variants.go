package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// VariantKind says how a variant relates to the plan's feature groups and
// techniques.
type VariantKind int

// The kinds of variant, in the order Variants lists them; KindPath is a
// step of the path ablation (PathVariant).
const (
	KindAll   VariantKind = iota // base features, every group and every technique
	KindMinus                    // all but one group or technique
	KindBase                     // base features, no technique
	KindPlus                     // base plus one group or technique
	KindPath                     // base plus some groups and techniques
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
	case KindPath:
		return "path"
	}
	return "VariantKind(" + strconv.Itoa(int(k)) + ")"
}

// Variant is one configuration of the ablation: a feature set and the
// techniques on.
type Variant struct {
	Name      string // "all", "-family", "base", "+family", "+target_enc"
	Kind      VariantKind
	Group     string   // the group removed or added, for KindMinus and KindPlus
	Technique string   // the technique removed or added, for KindMinus and KindPlus
	Features  []string // base first, then groups in plan order
	SameAs    string   // the variant with the same features and techniques that is run instead of this one, else ""
	Reference string   // the variant it is compared to: "all" for KindMinus, "base" for KindPlus, else ""
	// Techniques are the names of the techniques on, in plan order; Params
	// and Env are the plan's with theirs merged in (the plan's own maps
	// when none is on).
	Techniques []string
	Params     map[string]any
	Env        map[string]string
	// Steps, for KindPath, are the components added to base, in order.
	Steps []Component
}

// Component is the group or technique a KindMinus or KindPlus variant
// removes or adds; the zero Component for the others.
func (v Variant) Component() Component {
	switch {
	case v.Group != "":
		return Component{v.Group, ComponentGroup}
	case v.Technique != "":
		return Component{v.Technique, ComponentTechnique}
	}
	return Component{}
}

// build makes the variant with the components include accepts (indexes
// into Components: groups first, then techniques).
func (p *Plan) build(v Variant, include func(i int) bool) Variant {
	ng := len(p.Groups)
	fs := append([]string(nil), p.BaseFeatures...)
	for i, g := range p.Groups {
		if include(i) {
			fs = append(fs, g.Features...)
		}
	}
	v.Features = fs
	v.Techniques, v.Params, v.Env = p.on(func(i int) bool { return include(ng + i) })
	return v
}

// Variants lists "all", "-x" for each group and then each technique,
// "base", "+x" for each, in that order.
//
// A variant whose features and techniques equal those of another gets
// SameAs set to the first of them in the order all, base, -x..., +x...
// (which differs from the returned order so that the references all and
// base are the ones run). So "all" and "base" are never SameAs anything,
// except that base is SameAs "all" when the plan has no groups and no
// techniques; with one component, "-x" is SameAs "base" and "+x" SameAs
// "all"; with two, "+a" is SameAs "-b" and "+b" SameAs "-a".
func (p *Plan) Variants() []Variant {
	comps := p.Components()
	n := len(comps)
	all := p.build(Variant{Name: "all", Kind: KindAll}, func(int) bool { return true })
	base := p.build(Variant{Name: "base", Kind: KindBase}, func(int) bool { return false })
	minus := make([]Variant, n)
	plus := make([]Variant, n)
	for i, c := range comps {
		m := Variant{Name: "-" + c.Name, Kind: KindMinus, Reference: "all"}
		a := Variant{Name: "+" + c.Name, Kind: KindPlus, Reference: "base"}
		if c.Kind == ComponentGroup {
			m.Group, a.Group = c.Name, c.Name
		} else {
			m.Technique, a.Technique = c.Name, c.Name
		}
		minus[i] = p.build(m, func(j int) bool { return j != i })
		plus[i] = p.build(a, func(j int) bool { return j == i })
	}

	// Dedupe in the canonical order, so the references win ties.
	first := map[string]string{}
	mark := func(v *Variant) {
		k := v.key()
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

// key identifies what a variant runs: its feature set and its techniques,
// regardless of order.
func (v Variant) key() string {
	return setKey(v.Features) + "|" + setKey(v.Techniques)
}

// PathVariant is base with the given components added, in that order: a
// step of the path ablation. Its name lists them ("+target_enc+family");
// with one it is that component's add-one variant ("+target_enc"), with
// every component of the plan "all", with none "base".
func (p *Plan) PathVariant(steps []Component) Variant {
	idx := map[Component]int{}
	for i, c := range p.Components() {
		idx[c] = i
	}
	on := map[int]bool{}
	name := ""
	for _, c := range steps {
		on[idx[c]] = true
		name += "+" + c.Name
	}
	v := Variant{Name: name, Kind: KindPath, Steps: append([]Component(nil), steps...)}
	switch {
	case len(on) == 0:
		v = Variant{Name: "base", Kind: KindBase}
	case len(on) == len(idx):
		v = Variant{Name: "all", Kind: KindAll, Steps: v.Steps}
	case len(steps) == 1:
		// The first step is the add-one variant of the ordinary ablation.
		v.Kind, v.Reference = KindPlus, "base"
		if steps[0].Kind == ComponentGroup {
			v.Group = steps[0].Name
		} else {
			v.Technique = steps[0].Name
		}
	}
	return p.build(v, func(i int) bool { return on[i] })
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

// Variant finds a variant by name ("all", "base", "-x", "+x").
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
// "minus_<name>", "plus_<name>" (a group or technique) or, for a path
// step, "path_<name>_<name>..." and a negative seed is written "m5"
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
		slug = "minus_" + v.Component().Name
	case KindPlus:
		slug = "plus_" + v.Component().Name
	case KindPath:
		slug = "path"
		for _, c := range v.Steps {
			slug += "_" + c.Name
		}
	default:
		slug = v.Name
	}
	s := strconv.FormatInt(seed, 10)
	if seed < 0 {
		s = "m" + s[1:]
	}
	return sanitizeName(planName) + "_" + sanitizeName(slug) + "_s" + s
}
