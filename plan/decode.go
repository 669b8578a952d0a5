package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Short YAML tags as yaml.Node.ShortTag reports them.
const (
	tagStr       = "!!str"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagBool      = "!!bool"
	tagNull      = "!!null"
	tagTimestamp = "!!timestamp"
	tagMerge     = "!!merge"
)

// Limits that keep hostile or accidental input (alias bombs, generated
// files) from taking unbounded time or memory.
const (
	maxErrors      = 100    // problems reported before giving up
	maxValues      = 250000 // scalars visited, counting alias expansions
	maxAliasValues = 10000  // values in params reached through aliases
)

// decoder walks the yaml.Node tree of one plan, collecting problems as it
// goes instead of stopping at the first, so a user fixes a plan in one pass.
type decoder struct {
	file    string
	errs    []*Error
	dropped int // problems beyond maxErrors
	warns   []*Error
	values  int  // scalars visited so far
	tooBig  bool // values passed maxValues; stop walking

	aliasDepth  int // aliases being expanded in params
	aliasValues int // params values reached through an alias
}

func (d *decoder) errorf(n *yaml.Node, hint, format string, args ...any) {
	if len(d.errs) >= maxErrors {
		d.dropped++
		return
	}
	e := &Error{File: d.file, Msg: fmt.Sprintf(format, args...), Hint: hint}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

func (d *decoder) warnf(n *yaml.Node, hint, format string, args ...any) {
	if len(d.warns) >= maxErrors {
		return
	}
	d.warns = append(d.warns, &Error{File: d.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (d *decoder) errorList() *ErrorList {
	l := ErrorList(d.errs)
	sortByPosition(l)
	if d.dropped > 0 {
		l = append(l, &Error{File: d.file, Msg: fmt.Sprintf("and %d more problems not shown", d.dropped)})
	}
	return &l
}

// visit counts one scalar against maxValues and reports whether walking may
// go on.
func (d *decoder) visit(n *yaml.Node) bool {
	if d.tooBig {
		return false
	}
	d.values++
	if d.values > maxValues {
		d.tooBig = true
		d.errorf(n, "", "plan is too large: more than %d values (counting alias expansions)", maxValues)
		return false
	}
	return true
}

var (
	yamlLineErr   = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// parserProblems start the messages of errors from the YAML parser proper
// (not its scanner). For those the library reports a 0-based line, one less
// than the line a user would look at.
var parserProblems = []string{
	"did not find expected",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlError turns an error from the YAML library into an *Error, keeping
// the line it reports and finding one for the errors that come without.
func (d *decoder) yamlError(data []byte, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: d.file}
	if m := yamlLineErr.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
		for _, p := range parserProblems {
			if strings.HasPrefix(msg, p) {
				e.Line++
				break
			}
		}
	} else if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		e.Line, e.Column = findAlias(data, m[1])
	} else if strings.Contains(msg, "control characters") || strings.Contains(msg, "UTF-8") || strings.Contains(msg, "Unicode") {
		e.Line, e.Column = findBadByte(data)
	}
	e.Msg = "invalid YAML: " + msg
	d.errs = append(d.errs, e)
}

// findAlias locates the first use of alias *name, or returns 0, 0.
func findAlias(data []byte, name string) (line, col int) {
	ref := []byte("*" + name)
	for off := 0; ; {
		i := bytes.Index(data[off:], ref)
		if i < 0 {
			return 0, 0
		}
		end := off + i + len(ref)
		if end == len(data) || strings.IndexByte(" \t\r\n,]}", data[end]) >= 0 {
			return position(data, off+i)
		}
		off = end
	}
}

// findBadByte locates the first byte YAML refuses: invalid UTF-8 or a
// control character other than tab and line breaks.
func findBadByte(data []byte) (line, col int) {
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		bad := r == utf8.RuneError && size <= 1 ||
			r < 0x20 && r != '\t' && r != '\n' && r != '\r' ||
			r >= 0x7f && r <= 0x9f && r != 0x85 ||
			r == 0xfffe || r == 0xffff
		if bad {
			return position(data, off)
		}
		off += size
	}
	return 0, 0
}

// position converts a byte offset into a 1-based line and column
// (columns in runes, as the YAML library counts them).
func position(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}

// decodeDoc decodes one YAML document, turning a panic inside the YAML
// library into an error so that no input can crash the caller.
func decodeDoc(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

// decode parses data and fills a Plan; problems go to d.errs.
func (d *decoder) decode(data []byte) *Plan {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decodeDoc(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errs = append(d.errs, &Error{File: d.file, Line: 1, Msg: "plan file is empty"})
		} else {
			d.yamlError(data, err)
		}
		return nil
	}
	// Later documents must be empty: a second plan in the same file would
	// otherwise be silently ignored. A stray trailing "---" is harmless.
	for {
		var extra yaml.Node
		err := decodeDoc(dec, &extra)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.yamlError(data, err)
			break
		}
		if len(extra.Content) > 0 && !isNull(resolve(extra.Content[0])) {
			d.errorf(extra.Content[0], "keep one plan per file", "the file holds more than one YAML document (\"---\")")
			break
		}
	}
	if len(doc.Content) == 0 {
		d.errs = append(d.errs, &Error{File: d.file, Line: 1, Msg: "plan file is empty"})
		return nil
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		d.errs = append(d.errs, &Error{File: d.file, Line: 1, Msg: "plan file is empty"})
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "start with keys such as \"command:\" and \"base_features:\"",
			"the plan must be a mapping of keys, got %s", describe(root))
		return nil
	}
	return d.plan(root)
}

// fieldFunc decodes the value v of one top-level key k into p.
type fieldFunc func(d *decoder, p *Plan, k, v *yaml.Node)

// fields are the top-level keys of a plan and how to decode each. The
// feature keys are decoded together afterwards (see features) but are listed
// so they count as known.
var fields = map[string]fieldFunc{
	"name":           (*decoder).name,
	"competition":    func(d *decoder, p *Plan, k, v *yaml.Node) { p.Competition, _ = d.str("competition", v) },
	"metric":         func(d *decoder, p *Plan, k, v *yaml.Node) { p.Metric, _ = d.str("metric", v) },
	"direction":      (*decoder).direction,
	"model":          (*decoder).model,
	"command":        (*decoder).command,
	"workdir":        func(d *decoder, p *Plan, k, v *yaml.Node) { p.Workdir, _ = d.str("workdir", v) },
	"env":            (*decoder).env,
	"jobs":           func(d *decoder, p *Plan, k, v *yaml.Node) { p.Jobs = d.atLeast("jobs", v, 1) },
	"timeout":        (*decoder).timeout,
	"retries":        func(d *decoder, p *Plan, k, v *yaml.Node) { p.Retries = d.atLeast("retries", v, 0) },
	"seeds":          (*decoder).seeds,
	"base_features":  func(d *decoder, p *Plan, k, v *yaml.Node) {}, // see features
	"feature_groups": func(d *decoder, p *Plan, k, v *yaml.Node) {}, // see features
	"techniques":     func(d *decoder, p *Plan, k, v *yaml.Node) {}, // see techniques
	"params":         (*decoder).params,
	"alpha":          (*decoder).alpha,
	"min_gain":       func(d *decoder, p *Plan, k, v *yaml.Node) { p.MinGain, p.MinGainSet = d.positive("min_gain", v), true },
	"seed_std_warn":  func(d *decoder, p *Plan, k, v *yaml.Node) { p.SeedStdWarn = d.positive("seed_std_warn", v) },
	"inputs":         (*decoder).inputs,
	"gpus":           (*decoder).gpus,
	"per_gpu":        func(d *decoder, p *Plan, k, v *yaml.Node) { p.PerGPU = d.atLeast("per_gpu", v, 1) },
	"target":         func(d *decoder, p *Plan, k, v *yaml.Node) { p.Target = d.path("target", v) },
	"folds":          func(d *decoder, p *Plan, k, v *yaml.Node) { p.Folds = d.path("folds", v) },
	"adaptive":       (*decoder).adaptive,
	"executor":       (*decoder).executor, // see slurm.go
	"slurm":          (*decoder).slurm,
}

// fieldNames lists the known keys in the order the docs present them, for
// did-you-mean hints.
var fieldNames = []string{
	"name", "competition", "metric", "direction", "model", "command", "workdir",
	"env", "jobs", "timeout", "retries", "seeds", "base_features",
	"feature_groups", "techniques", "params", "alpha", "min_gain", "seed_std_warn", "inputs",
	"gpus", "per_gpu", "target", "folds", "adaptive", "executor", "slurm",
}

func (d *decoder) plan(root *yaml.Node) *Plan {
	p := &Plan{
		Name:        nameFromFile(d.file),
		Direction:   DefaultDirection,
		Model:       DefaultModel,
		Seeds:       []int64{DefaultSeed},
		Alpha:       DefaultAlpha,
		MinGain:     DefaultMinGain,
		SeedStdWarn: DefaultSeedStdWarn,
		PerGPU:      DefaultPerGPU,
	}
	keys := d.mapping(root, "plan", func(name string) bool {
		_, ok := fields[name]
		return ok
	})
	values := map[string]*yaml.Node{}
	for _, kv := range keys {
		values[kv.name] = kv.value
		if isNull(kv.value) {
			continue // a key with no value counts as absent
		}
		fields[kv.name](d, p, kv.key, kv.value)
	}
	if v, ok := values["command"]; !ok {
		d.errorf(root, `for example: command: ["python3", "train.py", "--seed", "{seed}"]`, "no command: the plan must say how to run the trainer")
	} else if isNull(v) {
		d.errorf(keyOf(keys, "command"), "", "command is empty")
	}
	d.features(p, root, keys, values["base_features"], values["feature_groups"])
	d.techniques(p, values["feature_groups"], values["techniques"])
	d.metricDirection(p, values["direction"])
	// These values fill whole columns of runs.csv.
	for _, c := range []struct{ key, column, value string }{{"name", "plan", p.Name}, {"metric", "metric", p.Metric}, {"model", "model_type", p.Model}} {
		if at := keyOf(keys, c.key); at != nil && c.value != "" && naValues[c.value] {
			d.warnf(at, fmt.Sprintf("rename it, or read runs.csv with keep_default_na=False"),
				"%s %q: pandas reads it as a missing value, so the %s column of runs.csv would come back empty", c.key, c.value, c.column)
		}
	}
	return p
}

// keyValue is one entry of a YAML mapping, with aliases resolved.
type keyValue struct {
	name       string
	key, value *yaml.Node
	raw        *yaml.Node // value as written, possibly an alias
}

func keyOf(kvs []keyValue, name string) *yaml.Node {
	for _, kv := range kvs {
		if kv.name == name {
			return kv.key
		}
	}
	return nil
}

// mapping returns the entries of mapping node m. Keys must be scalars;
// merge keys ("<<") are refused because they hide where a value comes from;
// a key given twice is an error naming both lines. When known is not nil,
// keys it rejects are "unknown key" errors with a did-you-mean hint.
func (d *decoder) mapping(m *yaml.Node, what string, known func(name string) bool) []keyValue {
	var out []keyValue
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
		if !d.visit(k) {
			break
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "", "%s: keys must be plain names, got %s", what, describe(k))
			continue
		}
		if k.ShortTag() == tagMerge {
			d.errorf(k, "repeat the keys, or use an alias (*name) for a whole value", "%s: merge keys (<<) are not supported", what)
			continue
		}
		name := k.Value
		if prev, ok := seen[name]; ok {
			if what == "feature_groups" {
				d.errorf(k, "", "group %q is defined twice (lines %d and %d)", name, prev.Line, k.Line)
			} else if what == "techniques" {
				d.errorf(k, "", "technique %q is defined twice (lines %d and %d)", name, prev.Line, k.Line)
			} else {
				d.errorf(k, "", "%s: key %q is set twice (lines %d and %d)", what, name, prev.Line, k.Line)
			}
			continue
		}
		seen[name] = k
		if known != nil && !known(name) {
			d.unknownKey(k, "", name, fieldNames)
			continue
		}
		out = append(out, keyValue{name, k, v, m.Content[i+1]})
	}
	return out
}

// unknownKey reports key name, not one of keys, in the mapping what ("" at
// the top of the plan), with the closest key or else the valid ones.
func (d *decoder) unknownKey(k *yaml.Node, what, name string, keys []string) {
	if len(d.errs) >= maxErrors {
		d.dropped++ // skip the suggestion work for a message nobody sees
		return
	}
	hint := "valid keys: " + strings.Join(keys, ", ")
	if s := closestName(name, keys); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	if what != "" {
		what += ": "
	}
	d.errorf(k, hint, "%sunknown key %q", what, name)
}

// resolve follows an alias to the node it names. The result carries the
// alias's position so problems with the whole value are reported where the
// user wrote it, not at the anchor.
func resolve(n *yaml.Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tagNull}
	}
	if n.Kind != yaml.AliasNode {
		return n
	}
	t := n.Alias
	// The parser never makes an alias of an alias, but a bounded loop costs
	// nothing and rules out a cycle.
	for i := 0; t != nil && t.Kind == yaml.AliasNode && i < 8; i++ {
		t = t.Alias
	}
	if t == nil || t.Kind == yaml.AliasNode {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tagNull, Line: n.Line, Column: n.Column}
	}
	c := *t
	c.Line, c.Column = n.Line, n.Column
	return &c
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == tagNull
}

// describe names the type and value of a node for "got ..." messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		switch n.ShortTag() {
		case tagStr:
			return fmt.Sprintf("string %q", v)
		case tagInt:
			return "integer " + v
		case tagFloat:
			return "number " + v
		case tagBool:
			return "boolean " + v
		case tagNull:
			return "null (an empty value)"
		case tagTimestamp:
			return "timestamp " + v
		default:
			return fmt.Sprintf("%q tagged %s", v, n.ShortTag())
		}
	case yaml.AliasNode:
		return describe(resolve(n))
	}
	return "an unknown YAML node"
}

// scalarText returns the text of a scalar that may stand for a string:
// numbers and booleans are kept as written, since "2024" is a fine
// competition name and "1" a fine column name.
func scalarText(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	switch n.ShortTag() {
	case tagStr, tagInt, tagFloat, tagBool, tagTimestamp:
		return n.Value, true
	}
	return "", false
}

func (d *decoder) str(field string, n *yaml.Node) (string, bool) {
	if !d.visit(n) {
		return "", false
	}
	s, ok := scalarText(n)
	if !ok {
		d.errorf(n, "", "%s: want a string, got %s", field, describe(n))
	}
	return s, ok
}

func (d *decoder) name(p *Plan, k, v *yaml.Node) {
	if s, ok := d.fileName("name", v); ok {
		p.Name = s
	}
}

func (d *decoder) model(p *Plan, k, v *yaml.Node) {
	if s, ok := d.fileName("model", v); ok {
		p.Model = s
	}
}

// fileName reads a string that becomes part of file names.
func (d *decoder) fileName(key string, v *yaml.Node) (string, bool) {
	s, ok := d.str(key, v)
	if !ok {
		return "", false
	}
	if !validName(s) {
		d.errorf(v, fmt.Sprintf("for example %q", sanitizeName(s)),
			"%s %q is not usable in file names: use only letters, digits, '_', '.' and '-'", key, s)
		return "", false
	}
	return s, true
}

func (d *decoder) direction(p *Plan, k, v *yaml.Node) {
	s, ok := d.str("direction", v)
	if !ok {
		return
	}
	switch Direction(s) {
	case Maximize, Minimize:
		p.Direction = Direction(s)
		return
	}
	hint := ""
	if g := suggestDirection(s); g != "" {
		hint = fmt.Sprintf("did you mean %q?", g)
	}
	d.errorf(v, hint, "direction must be %q or %q, got %q", Maximize, Minimize, s)
}

// metricDirection takes the metric's direction when the plan gives none,
// and refuses one that contradicts it.
func (d *decoder) metricDirection(p *Plan, dirNode *yaml.Node) {
	var set Direction
	if dirNode != nil && !isNull(dirNode) {
		if p.Direction != Maximize && p.Direction != Minimize {
			return // already an error
		}
		set = p.Direction
	}
	dir, err := ResolveDirection(p.Metric, set)
	if err != nil {
		d.errorf(dirNode, "", "%v", err)
		return
	}
	p.Direction = dir
}

// suggestDirection also catches abbreviations such as "max" and "min",
// which edit distance rates poorly.
func suggestDirection(s string) string {
	ls := strings.ToLower(s)
	for _, d := range []string{string(Maximize), string(Minimize)} {
		if len(ls) >= 3 && strings.HasPrefix(d, ls) {
			return d
		}
	}
	switch ls {
	case "higher", "high", "up", "greater":
		return string(Maximize)
	case "lower", "low", "down", "less":
		return string(Minimize)
	}
	return closestName(s, []string{string(Maximize), string(Minimize)})
}

// seq checks that n is a list, naming an example of the right form when it
// is not.
func (d *decoder) seq(field, want, example string, n *yaml.Node) bool {
	if n.Kind == yaml.SequenceNode {
		return true
	}
	hint := ""
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		hint = fmt.Sprintf("write %s: [%s]", field, n.Value)
	} else if example != "" {
		hint = "for example " + field + ": " + example
	}
	d.errorf(n, hint, "%s: want a list of %s, got %s", field, want, describe(n))
	return false
}

// positions describes where two nodes are, with columns only when they share
// a line.
func positions(a, b *yaml.Node) string {
	if a.Line == b.Line {
		return fmt.Sprintf("line %d, columns %d and %d", a.Line, a.Column, b.Column)
	}
	return fmt.Sprintf("lines %d and %d", a.Line, b.Line)
}

// once decodes the elements of the list n with elem, which reports what
// is wrong with one and returns false to pass it over, and calls keep with
// each value not listed before; a repeat is reported as "<named(value)> is
// listed twice", with both places.
func once[T comparable](d *decoder, n *yaml.Node, elem func(e *yaml.Node) (T, bool), named func(T) string, keep func(T, *yaml.Node)) {
	seen := map[T]*yaml.Node{}
	for _, e := range n.Content {
		e = resolve(e)
		x, ok := elem(e)
		if !ok {
			continue
		}
		if prev, dup := seen[x]; dup {
			d.errorf(e, "", "%s is listed twice (%s)", named(x), positions(prev, e))
			continue
		}
		seen[x] = e
		keep(x, e)
	}
}

func (d *decoder) inputs(p *Plan, k, v *yaml.Node) {
	if !d.seq("inputs", "file names", "[train.py, data/train.csv]", v) {
		return
	}
	once(d, v, func(e *yaml.Node) (string, bool) {
		s, ok := d.str("inputs", e)
		switch {
		case !ok:
		case strings.TrimSpace(s) == "":
			d.errorf(e, "", "inputs: empty file name")
		case strings.IndexByte(s, 0) >= 0:
			d.errorf(e, "", "inputs: file name contains a NUL byte")
		default:
			return s, true
		}
		return "", false
	}, func(s string) string { return fmt.Sprintf("input %q", s) },
		func(s string, _ *yaml.Node) { p.Inputs = append(p.Inputs, s) })
}

// path decodes a file name: a non-empty string without NUL bytes.
func (d *decoder) path(key string, v *yaml.Node) string {
	s, ok := d.str(key, v)
	switch {
	case !ok:
		return ""
	case strings.TrimSpace(s) == "":
		d.errorf(v, "", "%s: empty file name", key)
		return ""
	case strings.IndexByte(s, 0) >= 0:
		d.errorf(v, "", "%s: file name contains a NUL byte", key)
		return ""
	}
	return s
}

// maxParamDepth bounds nesting in params, which is followed recursively.
const maxParamDepth = 100

// params converts the params mapping to JSON-compatible Go values.
func (d *decoder) params(p *Plan, k, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "", "params: want a mapping of parameter names to values, got %s", describe(v))
		return
	}
	m, ok := d.jsonValue("params", v, map[*yaml.Node]bool{}, 0).(map[string]any)
	if ok && len(m) > 0 {
		p.Params = m
	}
}

// jsonValue converts n to map[string]any, []any, string, int64, float64,
// bool or nil. active holds the alias targets being expanded on the current
// path, to refuse an anchor that contains itself.
func (d *decoder) jsonValue(path string, n *yaml.Node, active map[*yaml.Node]bool, depth int) any {
	if !d.visit(n) {
		return nil
	}
	if d.aliasDepth > 0 {
		// Shared sub-configs are fine; nested aliases that multiply into a
		// huge value (an alias bomb) are not, and would also bloat every
		// file params are written to.
		if d.aliasValues++; d.aliasValues == maxAliasValues+1 {
			d.errorf(n, "", "%s: aliases expand to more than %d values", path, maxAliasValues)
		}
		if d.aliasValues > maxAliasValues {
			return nil
		}
	}
	if depth > maxParamDepth {
		d.errorf(n, "", "%s: nested more than %d levels deep", path, maxParamDepth)
		return nil
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if t == nil {
			d.errorf(n, "", "%s: broken alias", path)
			return nil
		}
		if active[t] {
			d.errorf(n, "", "%s: alias *%s refers to a value that contains it", path, n.Value)
			return nil
		}
		active[t] = true
		d.aliasDepth++
		defer func() { delete(active, t); d.aliasDepth-- }()
		return d.jsonValue(path, t, active, depth+1)
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for _, kv := range d.mapping(n, path, nil) {
			// The raw value keeps aliases, so they go through the cycle check.
			out[kv.name] = d.jsonValue(path+"."+kv.name, kv.raw, active, depth+1)
		}
		return out
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, e := range n.Content {
			out = append(out, d.jsonValue(fmt.Sprintf("%s[%d]", path, i), e, active, depth+1))
		}
		return out
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case tagStr, tagTimestamp:
			return n.Value
		case tagNull:
			return nil
		case tagBool:
			var b bool
			if err := n.Decode(&b); err != nil {
				d.errorf(n, "", "%s: %q is not a boolean", path, n.Value)
			}
			return b
		case tagInt:
			var i int64
			if err := n.Decode(&i); err == nil {
				return i
			}
			var f float64
			if err := n.Decode(&f); err != nil {
				d.errorf(n, "", "%s: %q is not a number", path, n.Value)
			}
			return f
		case tagFloat:
			var f float64
			if err := n.Decode(&f); err != nil {
				d.errorf(n, "", "%s: %q is not a number", path, n.Value)
				return nil
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				d.errorf(n, "write it as a string if the trainer parses it", "%s: %s has no JSON form", path, n.Value)
				return nil
			}
			return f
		default:
			d.errorf(n, "", "%s: unsupported tag %s", path, n.ShortTag())
			return nil
		}
	}
	d.errorf(n, "", "%s: unsupported YAML node", path)
	return nil
}
