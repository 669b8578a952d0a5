package plan

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

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

func (d *decoder) seeds(p *Plan, k, v *yaml.Node) {
	if !d.seq("seeds", "integers", "[42, 123]", v) {
		return
	}
	if len(v.Content) == 0 {
		d.errorf(v, "leave seeds out to use [42]", "seeds is an empty list")
		return
	}
	var seeds []int64
	once(d, v, func(e *yaml.Node) (int64, bool) { return d.int64("seeds", e) },
		func(s int64) string { return fmt.Sprintf("seed %d", s) },
		func(s int64, _ *yaml.Node) { seeds = append(seeds, s) })
	p.Seeds = seeds
}

func (d *decoder) gpus(p *Plan, k, v *yaml.Node) {
	if !d.seq("gpus", "GPU indices", "[0, 1]", v) {
		return
	}
	once(d, v, func(e *yaml.Node) (int64, bool) {
		g, ok := d.int64("gpus", e)
		if ok && (g < 0 || g > math.MaxInt32) {
			d.errorf(e, "", "gpus: %d is not a GPU index (want 0 or more)", g)
			return 0, false
		}
		return g, ok
	}, func(g int64) string { return fmt.Sprintf("GPU %d", g) },
		func(g int64, _ *yaml.Node) { p.GPUs = append(p.GPUs, int(g)) })
}
