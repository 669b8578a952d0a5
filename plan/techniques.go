package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Technique is a named change to how the trainer trains (target encoding,
// pseudo-labelling, a loss) that the ablation turns on and off as a whole,
// as it adds and removes feature groups.
type Technique struct {
	Name   string
	Params map[string]any    // merged over the plan's params by path when on; nil when none
	Env    map[string]string // added to the command's environment when on; nil when none
}

// ComponentKind says what a component of the ablation is.
type ComponentKind string

// The two kinds of component.
const (
	ComponentGroup     ComponentKind = "group"
	ComponentTechnique ComponentKind = "technique"
)

// Component is one thing the ablation adds or removes: a feature group or
// a technique. Groups and techniques share one namespace.
type Component struct {
	Name string
	Kind ComponentKind
}

// Components lists the feature groups, then the techniques, in plan order.
func (p *Plan) Components() []Component {
	out := make([]Component, 0, len(p.Groups)+len(p.Techniques))
	for _, g := range p.Groups {
		out = append(out, Component{g.Name, ComponentGroup})
	}
	for _, t := range p.Techniques {
		out = append(out, Component{t.Name, ComponentTechnique})
	}
	return out
}

// MergeParams returns base with over merged into it by path: a mapping in
// over is merged into the mapping at the same key of base, any other value
// replaces what base has there. Neither argument is changed; the result
// shares no mapping with them.
func MergeParams(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = copyValue(v)
	}
	for k, v := range over {
		if om, ok := v.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = MergeParams(bm, om)
				continue
			}
		}
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return MergeParams(x, nil)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// sameParams reports whether two params give the trainer the same JSON
// (so 1 and 1.0 are the same, as they are to the trainer); nil and empty
// are the same too.
func sameParams(a, b map[string]any) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// on is what a variant trains with when the techniques named by include
// are on: their names in plan order, the plan's params with theirs merged
// in, and the plan's env with theirs added. With no technique on, params
// and env are the plan's own maps.
func (p *Plan) on(include func(i int) bool) (names []string, params map[string]any, env map[string]string) {
	params, env = p.Params, p.Env
	merged := false
	for i, t := range p.Techniques {
		if !include(i) {
			continue
		}
		names = append(names, t.Name)
		if t.Params != nil {
			params = MergeParams(params, t.Params)
			merged = true
		}
		if t.Env != nil {
			next := maps.Clone(env)
			if next == nil {
				next = map[string]string{}
			}
			maps.Copy(next, t.Env)
			env = next
		}
	}
	if merged && len(params) == 0 {
		params = nil
	}
	return names, params, env
}

// techniqueKeys are the keys of one technique, for did-you-mean hints.
var techniqueKeys = []string{"params", "env"}

// techniques reads the techniques mapping. It runs after the features and
// the plan's params are decoded: a technique's name must not be a group's,
// and its params must change the plan's.
func (d *decoder) techniques(p *Plan, groupsNode, v *yaml.Node) {
	if v == nil || isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "for example techniques: {target_enc: {params: {encoding: target}}}",
			"techniques: want a mapping of technique names to their params and env, got %s", describe(v))
		return
	}
	groups := map[string]*yaml.Node{}
	if groupsNode != nil && groupsNode.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(groupsNode.Content); i += 2 {
			k := resolve(groupsNode.Content[i])
			if _, dup := groups[k.Value]; !dup {
				groups[k.Value] = k
			}
		}
	}
	for _, kv := range d.mapping(v, "techniques", nil) {
		if g, ok := groups[kv.name]; ok {
			d.errorf(kv.key, "rename the technique or the group: variants are named -name and +name for both",
				"%q is both a feature group (line %d) and a technique (line %d): groups and techniques share one namespace", kv.name, g.Line, kv.key.Line)
			continue
		}
		if t, ok := d.technique(p, kv); ok {
			p.Techniques = append(p.Techniques, t)
		}
	}
}

func (d *decoder) technique(p *Plan, kv keyValue) (Technique, bool) {
	name := kv.name
	t := Technique{Name: name}
	label := fmt.Sprintf("technique %q", name)
	ok := true
	if !validName(name) {
		d.errorf(kv.key, fmt.Sprintf("for example %q", sanitizeName(name)),
			"technique name %q is not usable in variant and file names: use only letters, digits, '_', '.' and '-'", name)
		ok = false
	} else {
		d.warnNAVariants(kv.key, "technique", name)
	}
	empty := func(at *yaml.Node) {
		d.errorf(at, "give it params: (merged over the plan's params) and/or env:, or remove it", "%s is empty: turning it on would change nothing", label)
	}
	if isNull(kv.value) || kv.value.Kind == yaml.MappingNode && len(kv.value.Content) == 0 {
		empty(kv.key)
		return t, false
	}
	if kv.value.Kind != yaml.MappingNode {
		d.errorf(kv.value, "for example "+name+": {params: {encoding: target}}", "%s: want a mapping with params and/or env, got %s", label, describe(kv.value))
		return t, false
	}
	var paramsKey, envKey *yaml.Node
	before := len(d.errs)
	for _, e := range d.mapping(kv.value, label, nil) {
		switch e.name {
		case "params":
			paramsKey = e.key
			if isNull(e.value) {
				continue
			}
			if e.value.Kind != yaml.MappingNode {
				d.errorf(e.value, "", "%s params: want a mapping of parameter names to values, got %s", label, describe(e.value))
				ok = false
				continue
			}
			if m, isMap := d.jsonValue("techniques."+name+".params", e.raw, map[*yaml.Node]bool{}, 0).(map[string]any); isMap && len(m) > 0 {
				t.Params = m
			}
		case "env":
			envKey = e.key
			if isNull(e.value) {
				continue
			}
			t.Env = d.envMap(label+" env", e.value)
		default:
			hint := "a technique has the keys params and env"
			if s := closestName(e.name, techniqueKeys); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			d.errorf(e.key, hint, "%s: unknown key %q", label, e.name)
			ok = false
		}
	}
	if !ok || len(d.errs) > before {
		return t, false // problems inside are reported already
	}
	if t.Params == nil && t.Env == nil {
		empty(kv.key)
		return t, false
	}
	if t.Params != nil && sameParams(MergeParams(p.Params, t.Params), p.Params) {
		d.errorf(paramsKey, "change a value, or remove the params of the technique",
			"%s: its params are the plan's params already: they change nothing", label)
		ok = false
	}
	if t.Env != nil && len(t.Env) > 0 && envNoop(p.Env, t.Env) {
		d.errorf(envKey, "change a value, or remove the env of the technique",
			"%s: its env is the plan's env already: it changes nothing", label)
		ok = false
	}
	return t, ok
}

// envNoop reports whether setting over on top of base changes nothing.
func envNoop(base, over map[string]string) bool {
	for k, v := range over {
		if bv, ok := base[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// warnNAVariants warns about a group or technique whose variant names
// pandas would read back as missing values.
func (d *decoder) warnNAVariants(at *yaml.Node, kind, name string) {
	var lost []string
	for _, v := range []string{"-" + name, "+" + name} {
		if naValues[v] {
			lost = append(lost, fmt.Sprintf("%q", v))
		}
	}
	if len(lost) > 0 {
		suffix := map[string]string{"group": "_grp", "technique": "_tech"}[kind]
		d.warnf(at, fmt.Sprintf("rename it, e.g. %q, or read runs.csv with keep_default_na=False", name+suffix),
			"%s %q: pandas reads the variant name %s as a missing value in runs.csv by default", kind, name, strings.Join(lost, " and "))
	}
}
