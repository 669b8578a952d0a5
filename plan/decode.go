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
	"time"
	"unicode"
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
			d.unknownKey(k, name)
			continue
		}
		out = append(out, keyValue{name, k, v, m.Content[i+1]})
	}
	return out
}

func (d *decoder) unknownKey(k *yaml.Node, name string) {
	if len(d.errs) >= maxErrors {
		d.dropped++ // skip the suggestion work for a message nobody sees
		return
	}
	hint := "valid keys: " + strings.Join(fieldNames, ", ")
	if s := closestName(name, fieldNames); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	d.errorf(k, hint, "unknown key %q", name)
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

var bigInt = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)

func (d *decoder) int64(field string, n *yaml.Node) (int64, bool) {
	if !d.visit(n) {
		return 0, false
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == tagFloat && bigInt.MatchString(n.Value) {
		// YAML reads integers too large for 64 bits as floats.
		if _, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64); errors.Is(err, strconv.ErrRange) {
			d.errorf(n, "", "%s: %s is out of the 64-bit integer range", field, n.Value)
			return 0, false
		}
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tagInt {
		d.errorf(n, "", "%s: want an integer, got %s", field, describe(n))
		return 0, false
	}
	var v int64
	if err := n.Decode(&v); err != nil {
		d.errorf(n, "", "%s: %s is not a 64-bit integer", field, n.Value)
		return 0, false
	}
	return v, true
}

// atLeast reads an int that must be >= lo; on a problem it returns lo so
// later checks see a sane value.
func (d *decoder) atLeast(field string, n *yaml.Node, lo int) int {
	v, ok := d.int64(field, n)
	if !ok {
		return lo
	}
	if v < int64(lo) {
		d.errorf(n, "", "%s must be at least %d, got %d", field, lo, v)
		return lo
	}
	if v > math.MaxInt32 {
		d.errorf(n, "", "%s is too large: %d", field, v)
		return lo
	}
	return int(v)
}

func (d *decoder) float(field string, n *yaml.Node) (float64, bool) {
	if !d.visit(n) {
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != tagFloat && n.ShortTag() != tagInt) {
		d.errorf(n, "", "%s: want a number, got %s", field, describe(n))
		return 0, false
	}
	var v float64
	if err := n.Decode(&v); err != nil {
		d.errorf(n, "", "%s: %s is not a number", field, n.Value)
		return 0, false
	}
	return v, true
}

func (d *decoder) positive(field string, n *yaml.Node) float64 {
	v, ok := d.float(field, n)
	if !ok {
		return 0
	}
	if !(v > 0) || math.IsInf(v, 0) {
		d.errorf(n, "", "%s must be a positive number, got %s", field, n.Value)
	}
	return v
}

func (d *decoder) alpha(p *Plan, k, v *yaml.Node) {
	a, ok := d.float("alpha", v)
	if !ok {
		return
	}
	if !(a > 0 && a < 1) {
		d.errorf(v, "0.05 is the usual choice", "alpha must be between 0 and 1 (exclusive), got %s", v.Value)
	}
	p.Alpha = a
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

func (d *decoder) command(p *Plan, k, v *yaml.Node) {
	switch v.Kind {
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			d.errorf(v, "", "command is an empty list")
			return
		}
		argv := make([]string, 0, len(v.Content))
		for i, e := range v.Content {
			e = resolve(e)
			s, ok := d.str("command", e)
			if !ok {
				continue
			}
			if i == 0 && strings.TrimSpace(s) == "" {
				d.errorf(e, "", "command: the program (first element) is empty")
			}
			if strings.IndexByte(s, 0) >= 0 {
				d.errorf(e, "", "command: argument %d contains a NUL byte", i)
			}
			argv = append(argv, s)
		}
		p.Command = Command{Argv: argv}
		d.checkArgv(v, argv)
	case yaml.ScalarNode:
		if v.ShortTag() != tagStr {
			d.errorf(v, "", "command: want a list of arguments or a shell command string, got %s", describe(v))
			return
		}
		if strings.TrimSpace(v.Value) == "" {
			d.errorf(v, "", "command is an empty string")
			return
		}
		if strings.IndexByte(v.Value, 0) >= 0 {
			d.errorf(v, "", "command contains a NUL byte")
			return
		}
		p.Command = Command{Shell: v.Value}
		d.checkShell(v, v.Value)
	default:
		d.errorf(v, "", "command: want a list of arguments or a shell command string, got %s", describe(v))
	}
}

// checkArgv warns about list commands that hand a script to a shell:
// placeholders in the list form are substituted unquoted, so values would
// reach that shell raw.
func (d *decoder) checkArgv(n *yaml.Node, argv []string) {
	for _, a := range argv {
		d.checkWords(n, a)
	}
	if len(argv) < 3 {
		return
	}
	switch baseName(argv[0]) {
	case "sh", "bash", "dash", "zsh", "ksh", "ash":
	default:
		return
	}
	for i, a := range argv[1:] {
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a, 'c') && i+2 < len(argv) {
			if len(argPlaceholders(argv[i+2])) > 0 {
				d.warnf(n, "write the command as a string; kxrun then quotes every substituted value",
					"command runs %s -c with placeholders in the script: the values are substituted without shell quoting", argv[0])
			}
			return
		}
	}
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// checkShell rejects placeholders that sit where no quoting can make a
// substituted value safe (see shellPlaceholders), and warns about likely
// misspelt ones.
func (d *decoder) checkShell(n *yaml.Node, script string) {
	d.checkWords(n, script)
	var unsafe []string
	for _, ph := range shellPlaceholders(script) {
		if w := "{" + ph.word + "}"; ph.ctx == ctxUnsafe && !contains(unsafe, w) {
			unsafe = append(unsafe, w)
		}
	}
	if len(unsafe) > 0 {
		d.errorf(n, "keep placeholders out of ${...}, $((...)), backquotes and here-documents; set a variable first, e.g. f="+unsafe[0]+"; ... \"$f\"",
			"command: kxrun cannot quote %s safely where it stands", strings.Join(unsafe, ", "))
	}
}

// checkWords warns about {words} close to a placeholder name: they are
// left as they are, which is almost never what a typo meant.
func (d *decoder) checkWords(n *yaml.Node, s string) {
	seen := map[string]bool{}
	for _, w := range braceWords(s) {
		// Words much longer than any placeholder are no typo of one.
		if isPlaceholder(w) || len(w) > 12 || seen[w] {
			continue
		}
		seen[w] = true
		if g := closestName(w, placeholderNames); g != "" {
			d.warnf(n, fmt.Sprintf("did you mean {%s}?", g), "command: {%s} is not a placeholder and is passed as written", w)
		}
	}
}

func (d *decoder) env(p *Plan, k, v *yaml.Node) {
	p.Env = d.envMap("env", v)
}

// envMap reads a mapping of environment variables; what names it in
// messages ("env", `technique "pseudo" env`). Empty gives nil.
func (d *decoder) envMap(what string, v *yaml.Node) map[string]string {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "", "%s: want a mapping of variable names to values, got %s", what, describe(v))
		return nil
	}
	var env map[string]string
	for _, kv := range d.mapping(v, what, nil) {
		name := kv.name
		switch {
		case name == "":
			d.errorf(kv.key, "", "%s: empty variable name", what)
			continue
		case strings.ContainsAny(name, "=\x00"):
			d.errorf(kv.key, "", "%s: variable name %q must not contain '=' or NUL", what, name)
			continue
		}
		if isNull(kv.value) {
			d.errorf(kv.value, `write "" for an empty value`, "%s %s: value is null", what, name)
			continue
		}
		s, ok := d.str(what+" "+name, kv.value)
		if !ok {
			continue
		}
		if strings.IndexByte(s, 0) >= 0 {
			d.errorf(kv.value, "", "%s %s: value contains a NUL byte", what, name)
			continue
		}
		if env == nil {
			env = map[string]string{}
		}
		env[name] = s
	}
	return env
}

func (d *decoder) timeout(p *Plan, k, v *yaml.Node) {
	if !d.visit(v) {
		return
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != tagStr {
		hint := ""
		if v.Kind == yaml.ScalarNode && (v.ShortTag() == tagInt || v.ShortTag() == tagFloat) {
			hint = fmt.Sprintf("durations need a unit: %ss or %sm", v.Value, v.Value)
		}
		d.errorf(v, hint, "timeout: want a duration such as 30m or 1h30m, got %s", describe(v))
		return
	}
	t, err := time.ParseDuration(strings.TrimSpace(v.Value))
	if err != nil {
		d.errorf(v, "units are ns, us, ms, s, m and h, e.g. 45m or 1h30m", "timeout: %q is not a duration", v.Value)
		return
	}
	if t <= 0 {
		d.errorf(v, "leave timeout out for no limit", "timeout must be positive, got %s", v.Value)
		return
	}
	p.Timeout = t
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

func (d *decoder) seeds(p *Plan, k, v *yaml.Node) {
	if !d.seq("seeds", "integers", "[42, 123]", v) {
		return
	}
	if len(v.Content) == 0 {
		d.errorf(v, "leave seeds out to use [42]", "seeds is an empty list")
		return
	}
	seen := map[int64]*yaml.Node{}
	var seeds []int64
	for _, e := range v.Content {
		e = resolve(e)
		s, ok := d.int64("seeds", e)
		if !ok {
			continue
		}
		if prev, dup := seen[s]; dup {
			d.errorf(e, "", "seed %d is listed twice (%s)", s, positions(prev, e))
			continue
		}
		seen[s] = e
		seeds = append(seeds, s)
	}
	p.Seeds = seeds
}

// positions describes where two nodes are, with columns only when they share
// a line.
func positions(a, b *yaml.Node) string {
	if a.Line == b.Line {
		return fmt.Sprintf("line %d, columns %d and %d", a.Line, a.Column, b.Column)
	}
	return fmt.Sprintf("lines %d and %d", a.Line, b.Line)
}

func (d *decoder) inputs(p *Plan, k, v *yaml.Node) {
	if !d.seq("inputs", "file names", "[train.py, data/train.csv]", v) {
		return
	}
	seen := map[string]*yaml.Node{}
	for _, e := range v.Content {
		e = resolve(e)
		s, ok := d.str("inputs", e)
		if !ok {
			continue
		}
		switch {
		case strings.TrimSpace(s) == "":
			d.errorf(e, "", "inputs: empty file name")
			continue
		case strings.IndexByte(s, 0) >= 0:
			d.errorf(e, "", "inputs: file name contains a NUL byte")
			continue
		}
		if prev, dup := seen[s]; dup {
			d.errorf(e, "", "input %q is listed twice (%s)", s, positions(prev, e))
			continue
		}
		seen[s] = e
		p.Inputs = append(p.Inputs, s)
	}
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

func (d *decoder) gpus(p *Plan, k, v *yaml.Node) {
	if !d.seq("gpus", "GPU indices", "[0, 1]", v) {
		return
	}
	seen := map[int64]*yaml.Node{}
	for _, e := range v.Content {
		e = resolve(e)
		g, ok := d.int64("gpus", e)
		if !ok {
			continue
		}
		if g < 0 || g > math.MaxInt32 {
			d.errorf(e, "", "gpus: %d is not a GPU index (want 0 or more)", g)
			continue
		}
		if prev, dup := seen[g]; dup {
			d.errorf(e, "", "GPU %d is listed twice (%s)", g, positions(prev, e))
			continue
		}
		seen[g] = e
		p.GPUs = append(p.GPUs, int(g))
	}
}

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
	seen := map[string]*yaml.Node{}
	for _, e := range n.Content {
		e = resolve(e)
		s, ok := d.str(where, e)
		if !ok {
			continue
		}
		if msg := badFeature(s); msg != "" {
			if strings.TrimSpace(s) == "" {
				d.errorf(e, "", "%s: empty feature name", where)
			} else {
				d.errorf(e, "", "%s: feature %q %s", where, s, msg)
			}
			continue
		}
		if prev, dup := seen[s]; dup {
			d.errorf(e, "", "%s: feature %q is listed twice (%s)", where, s, positions(prev, e))
			continue
		}
		seen[s] = e
		out = append(out, featureRef{s, e})
	}
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
