package plan

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

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
