package plan

import (
	"fmt"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// featureRef is one feature name and where it was written, for messages
// about duplicates.
type featureRef struct {
	name string
	node *yaml.Node
}

// featureList reads a list of feature names; where names the list in
// messages ("base_features", `group "family"`).
func (d *decoder) featureList(where string, n *yaml.Node) []featureRef {
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode && !isNull(n) {
			hint = fmt.Sprintf("write [%s]", n.Value)
		}
		d.errorf(n, hint, "%s: want a list of feature names, got %s", where, describe(n))
		return nil
	}
	var out []featureRef
	once(d, n, func(e *yaml.Node) (string, bool) {
		s, ok := d.str(where, e)
		if !ok {
			return "", false
		}
		if msg := badFeature(s); msg != "" {
			if strings.TrimSpace(s) == "" {
				d.errorf(e, "", "%s: empty feature name", where)
			} else {
				d.errorf(e, "", "%s: feature %q %s", where, s, msg)
			}
			return "", false
		}
		return s, true
	}, func(s string) string { return fmt.Sprintf("%s: feature %q", where, s) },
		func(s string, e *yaml.Node) { out = append(out, featureRef{s, e}) })
	return out
}

// badFeature says what is wrong with a feature name, or "". Commas are out
// because {features} is passed comma-joined; control characters (newlines
// above all) because names end up in one-line logs and CSV cells.
func badFeature(s string) string {
	if strings.TrimSpace(s) == "" {
		return "is empty"
	}
	if strings.IndexByte(s, ',') >= 0 {
		return "contains a comma ({features} passes names comma-separated)"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			if r == '\n' || r == '\r' {
				return "contains a line break"
			}
			return "contains a control character"
		}
	}
	return ""
}

// naValues are the strings pandas.read_csv turns into NaN by default: a
// variant named like one of these would vanish from results read back with
// pandas.
var naValues = map[string]bool{
	"": true, "#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true,
	"-1.#QNAN": true, "-NaN": true, "-nan": true, "1.#IND": true, "1.#QNAN": true,
	"<NA>": true, "N/A": true, "NA": true, "NULL": true, "NaN": true,
	"None": true, "n/a": true, "nan": true, "null": true,
}

// features reads base_features and feature_groups together, since the
// checks that a feature is in one place only span both.
func (d *decoder) features(p *Plan, root *yaml.Node, keys []keyValue, baseNode, groupsNode *yaml.Node) {
	// where records the first place each feature was seen.
	type place struct {
		list string
		node *yaml.Node
	}
	where := map[string]place{}
	claim := func(list string, refs []featureRef) []string {
		var names []string
		for _, r := range refs {
			if prev, ok := where[r.name]; ok {
				d.errorf(r.node, "a feature may be in base_features or in one group only",
					"feature %q is in both %s (line %d) and %s", r.name, prev.list, prev.node.Line, list)
				continue
			}
			where[r.name] = place{list, r.node}
			names = append(names, r.name)
		}
		return names
	}

	if baseNode != nil && !isNull(baseNode) {
		p.BaseFeatures = claim("base_features", d.featureList("base_features", baseNode))
	}
	if groupsNode != nil && !isNull(groupsNode) {
		if groupsNode.Kind != yaml.MappingNode {
			d.errorf(groupsNode, "for example feature_groups: {family: [sibsp, parch]}",
				"feature_groups: want a mapping of group names to feature lists, got %s", describe(groupsNode))
		} else {
			for _, kv := range d.mapping(groupsNode, "feature_groups", nil) {
				d.group(p, kv, claim)
			}
		}
	}
	if !written(baseNode) && !written(groupsNode) {
		at := keyOf(keys, "base_features")
		if at == nil {
			at = keyOf(keys, "feature_groups")
		}
		if at == nil {
			at = root
		}
		d.errorf(at, "list features under base_features: and/or feature_groups:", "the plan has no features")
	}
}

// written reports whether the user wrote something for a feature key:
// when they did, problems inside it explain the missing features better
// than a generic "no features".
func written(n *yaml.Node) bool {
	if n == nil || isNull(n) {
		return false
	}
	return n.Kind == yaml.ScalarNode || len(n.Content) > 0
}

func (d *decoder) group(p *Plan, kv keyValue, claim func(string, []featureRef) []string) {
	name := kv.name
	if !validName(name) {
		d.errorf(kv.key, fmt.Sprintf("for example %q", sanitizeName(name)),
			"group name %q is not usable in variant and file names: use only letters, digits, '_', '.' and '-'", name)
	} else {
		d.warnNAVariants(kv.key, "group", name)
	}
	label := fmt.Sprintf("group %q", name)
	if isNull(kv.value) || (kv.value.Kind == yaml.SequenceNode && len(kv.value.Content) == 0) {
		d.errorf(kv.key, "remove the group or list its features", "%s is empty", label)
		return
	}
	features := claim(label, d.featureList(label, kv.value))
	if len(features) == 0 {
		return // every feature had a problem, already reported
	}
	p.Groups = append(p.Groups, Group{Name: name, Features: features})
}
