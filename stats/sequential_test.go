package stats

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kxrun/kxrun/internal/debpython"
)

// studentT3 draws from Student's t with 3 degrees of freedom: a normal
// over the root of a chi-square(3)/3 made of three more normals.
func studentT3(r *rand.Rand) float64 {
	z := r.NormFloat64()
	var chi float64
	for range 3 {
		x := r.NormFloat64()
		chi += x * x
	}
	return z / math.Sqrt(chi/3)
}

// TestSequentialNullRate simulates 10,000 comparisons of a component with
// no effect, per-seed gains normal or heavy-tailed (Student t, 3 d.o.f.),
// looked at after 3, 5, 8 and 12 seeds as an adaptive sweep does
// (stopping at the first decision). The rule's false helps/hurts rate
// must be at most alpha up to Monte Carlo error; testing at alpha at
// every look (naive peeking) must be seen to exceed it.
func TestSequentialNullRate(t *testing.T) {
	const (
		n     = 10000
		alpha = 0.05
	)
	looks := []int{3, 5, 8, 12}
	mcErr := 3 * math.Sqrt(alpha*(1-alpha)/n) // 3 standard errors of a rate of alpha
	for _, dist := range []struct {
		name    string
		draw    func(*rand.Rand) float64
		minGain float64 // in units of the gains' scale
	}{
		{"normal", func(r *rand.Rand) float64 { return r.NormFloat64() }, 0.1},
		{"student-t3", studentT3, 0.1},
		// A min_gain large enough for some comparisons to settle as
		// negligible at the later looks.
		{"normal/negligible-stops", func(r *rand.Rand) float64 { return r.NormFloat64() }, 1},
	} {
		rule := Sequential{Alpha: alpha, Looks: len(looks), MinGain: dist.minGain}
		t.Run(dist.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(18, 3))
			// The critical values depend only on the look: computed once,
			// the loop is a few multiplications per look.
			crit, naiveCrit := make([]float64, len(looks)), make([]float64, len(looks))
			for i, k := range looks {
				crit[i] = TCritical(float64(k-1), rule.LookAlpha())
				naiveCrit[i] = TCritical(float64(k-1), alpha)
			}
			d := make([]float64, looks[len(looks)-1])
			falseRule, naive, negligible := 0, 0, 0
			for range n {
				for i := range d {
					d[i] = dist.draw(r)
				}
				ruleDone, naiveHit := false, false
				for i, k := range looks {
					mean, se := Mean(d[:k]), Std(d[:k], 1)/math.Sqrt(float64(k))
					tstat := mean / se
					if !ruleDone {
						switch rule.decide(tstat, mean-crit[i]*se, mean+crit[i]*se, crit[i]) {
						case DecideHelps, DecideHurts:
							falseRule++
							ruleDone = true
						case DecideNegligible:
							negligible++
							ruleDone = true
						}
					}
					naiveHit = naiveHit || math.Abs(tstat) > naiveCrit[i]
				}
				if naiveHit {
					naive++
				}
			}
			rateRule, rateNaive := float64(falseRule)/n, float64(naive)/n
			t.Logf("%s: false helps/hurts %.4f (rule), %.4f (naive peeking at alpha %.2f at each of %v); %d settled negligible",
				dist.name, rateRule, rateNaive, alpha, looks, negligible)
			if rateRule > alpha+mcErr {
				t.Errorf("the sequential rule calls %.4f of null effects helps/hurts, above alpha %.2f + %.4f", rateRule, alpha, mcErr)
			}
			if rateNaive <= alpha+mcErr {
				t.Errorf("naive peeking calls %.4f of null effects significant: the simulation should show it above alpha %.2f", rateNaive, alpha)
			}
		})
	}
}

func TestSequentialAgainstScipy(t *testing.T) {
	debpython.Require(t, "scipy", "numpy")
	type tcase struct {
		D       []float64 `json:"d"`
		Alpha   float64   `json:"alpha"`
		Looks   int       `json:"looks"`
		MinGain float64   `json:"min_gain"`
		Limit   int       `json:"limit"`
	}
	r := rand.New(rand.NewPCG(7, 18))
	var cases []tcase
	for _, c := range []struct {
		n           int
		mean, noise float64
		looks       int
		minGain     float64
	}{
		{3, 0.05, 0.002, 4, 0.001},   // a large effect: helps at the first look
		{3, -0.02, 0.004, 4, 0.001},  // hurts
		{5, 0, 0.0002, 4, 0.001},     // negligible
		{5, 0.0005, 0.002, 4, 0.001}, // open
		{8, 0.001, 0.003, 4, 0.002},
		{12, 0.0004, 0.001, 3, 0.001},
		{4, 0.003, 0.004, 1, 0.001},
	} {
		d := make([]float64, c.n)
		for i := range d {
			d[i] = c.mean + r.NormFloat64()*c.noise
		}
		cases = append(cases, tcase{d, 0.05, c.looks, c.minGain, 400})
	}
	type result struct {
		P, T, Critical float64
		CILow          float64 `json:"ci_low"`
		CIHigh         float64 `json:"ci_high"`
		Decision       string
		SeedsToDecide  int `json:"seeds_to_decide"`
	}
	var want []result
	scipy(t, "testdata/sequential.py", cases, &want)
	decisions := map[string]int{}
	for i, c := range cases {
		rule := Sequential{Alpha: c.Alpha, Looks: c.Looks, MinGain: c.MinGain}
		l, err := rule.Test(c.D)
		if err != nil {
			t.Fatal(err)
		}
		got := result{P: l.P, T: l.T, Critical: l.Critical, CILow: l.CILow, CIHigh: l.CIHigh, Decision: l.Decision,
			SeedsToDecide: rule.SeedsToDecide(l.Mean, l.SD, l.N, c.Limit)}
		// scipy's t.ppf is good to about 1e-9 relative (see TestTTestsAgainstScipy).
		if diff := cmp.Diff(want[i], got, near(1e-8)); diff != "" {
			t.Errorf("case %d (n=%d): (-scipy +kxrun):\n%s", i, len(c.D), diff)
		}
		decisions[got.Decision]++
	}
	for _, d := range []string{DecideHelps, DecideHurts, DecideNegligible, DecideOpen} {
		if decisions[d] == 0 {
			t.Errorf("no case decides %q: the cases should cover every decision", d)
		}
	}
}

// scipy runs a reference script with the cases as JSON on its stdin and
// decodes what it prints into out.
func scipy(t *testing.T, script string, cases, out any) {
	t.Helper()
	in, _ := json.Marshal(cases)
	cmd := exec.Command(debpython.Path, script)
	cmd.Stdin = strings.NewReader(string(in))
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s: %v: %s", script, err, data)
	}
}
