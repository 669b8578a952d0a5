package plan

import (
	"fmt"
	"math"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Adaptive are the settings of an adaptive sweep (the plan key adaptive:,
// used by kxrun ablation --adaptive and kxrun seeds --adaptive): runs go
// in rounds up to each look, and a question settled at a look gets no
// more seeds.
type Adaptive struct {
	MinSeeds int   // seeds every variant gets before the first look
	MaxSeeds int   // seeds no variant goes beyond
	Looks    []int // seeds at each look, increasing, from MinSeeds to MaxSeeds
}

// Defaults of the adaptive: key.
const (
	DefaultMinSeeds = 3
	DefaultMaxSeeds = 12
)

// AdaptiveSettings are the plan's adaptive: settings, or the defaults
// (3 to 12 seeds, looks at 3, 5, 8, 12) when it has none.
func (p *Plan) AdaptiveSettings() Adaptive {
	if p.Adaptive != nil {
		return *p.Adaptive
	}
	return Adaptive{MinSeeds: DefaultMinSeeds, MaxSeeds: DefaultMaxSeeds, Looks: DefaultLooks(DefaultMinSeeds, DefaultMaxSeeds)}
}

// DefaultLooks are the looks when the plan gives none: min, then each
// about 1.5 times the one before (rounded up), then max; 3 to 12 gives
// 3, 5, 8, 12.
func DefaultLooks(minSeeds, maxSeeds int) []int {
	looks := []int{minSeeds}
	for n := minSeeds; n < maxSeeds; {
		n = min(maxSeeds, max(n+1, int(math.Ceil(float64(n)*1.5))))
		looks = append(looks, n)
	}
	return looks
}

var adaptiveKeys = []string{"min_seeds", "max_seeds", "looks"}

// adaptive decodes adaptive: {min_seeds, max_seeds, looks}. A missing
// min_seeds or max_seeds is taken from the looks when they are given.
func (d *decoder) adaptive(p *Plan, k, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		d.errorf(v, "for example adaptive: {min_seeds: 3, max_seeds: 12, looks: [3, 5, 8, 12]}",
			"adaptive: want a mapping with min_seeds, max_seeds and looks, got %s", describe(v))
		return
	}
	a := Adaptive{}
	nodes := map[string]*yaml.Node{}
	errs := len(d.errs)
	for _, kv := range d.mapping(v, "adaptive", nil) {
		if !slices.Contains(adaptiveKeys, kv.name) {
			d.unknownKey(kv.key, "adaptive", kv.name, adaptiveKeys)
			continue
		}
		if isNull(kv.value) {
			continue
		}
		nodes[kv.name] = kv.value
		switch kv.name {
		case "min_seeds":
			a.MinSeeds = d.atLeast("adaptive: min_seeds", kv.value, 2)
		case "max_seeds":
			a.MaxSeeds = d.atLeast("adaptive: max_seeds", kv.value, 2)
		case "looks":
			a.Looks = d.looks(kv.value)
		}
	}
	if len(d.errs) > errs {
		return
	}
	if len(a.Looks) > 0 {
		if nodes["min_seeds"] == nil {
			a.MinSeeds = a.Looks[0]
		}
		if nodes["max_seeds"] == nil {
			a.MaxSeeds = a.Looks[len(a.Looks)-1]
		}
	}
	if a.MinSeeds == 0 {
		a.MinSeeds = min(DefaultMinSeeds, max(a.MaxSeeds, 2))
	}
	if a.MaxSeeds == 0 {
		a.MaxSeeds = max(DefaultMaxSeeds, a.MinSeeds)
	}
	if a.MaxSeeds < a.MinSeeds {
		d.errorf(nodes["max_seeds"], "", "adaptive: max_seeds %d is below min_seeds %d", a.MaxSeeds, a.MinSeeds)
		return
	}
	if len(a.Looks) == 0 {
		a.Looks = DefaultLooks(a.MinSeeds, a.MaxSeeds)
	}
	at := nodes["looks"]
	switch {
	case a.Looks[0] != a.MinSeeds:
		d.errorf(at, fmt.Sprintf("start the looks at %d, or set min_seeds: %d", a.MinSeeds, a.Looks[0]),
			"adaptive: the first look is at %d seeds but min_seeds is %d", a.Looks[0], a.MinSeeds)
		return
	case a.Looks[len(a.Looks)-1] != a.MaxSeeds:
		d.errorf(at, fmt.Sprintf("end the looks at %d, or set max_seeds: %d", a.MaxSeeds, a.Looks[len(a.Looks)-1]),
			"adaptive: the last look is at %d seeds but max_seeds is %d", a.Looks[len(a.Looks)-1], a.MaxSeeds)
		return
	}
	p.Adaptive = &a
}

// looks decodes the list of seeds at each look: integers of at least 2,
// strictly increasing.
func (d *decoder) looks(v *yaml.Node) []int {
	if !d.seq("adaptive: looks", "seed counts", "[3, 5, 8, 12]", v) {
		return nil
	}
	if len(v.Content) == 0 {
		d.errorf(v, "for example looks: [3, 5, 8, 12]", "adaptive: looks is an empty list")
		return nil
	}
	var out []int
	for _, e := range v.Content {
		e = resolve(e)
		n, ok := d.int64("adaptive: looks", e)
		if !ok {
			return nil
		}
		if n < 2 {
			d.errorf(e, "a t-test over seeds needs 2 seeds", "adaptive: a look at %d seed(s): every look needs at least 2", n)
			return nil
		}
		if n > math.MaxInt32 {
			d.errorf(e, "", "adaptive: look %d is too large", n)
			return nil
		}
		if len(out) > 0 && int(n) <= out[len(out)-1] {
			d.errorf(e, "list the looks in increasing order, each once", "adaptive: look %d does not come after %d", n, out[len(out)-1])
			return nil
		}
		out = append(out, int(n))
	}
	return out
}
