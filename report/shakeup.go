package report

import (
	"fmt"
	"math"

	"github.com/kxrun/kxrun/stats"
	"github.com/kxrun/kxrun/tracker"
)

// ShakeUp compares how well CV and the public leaderboard predicted the
// private leaderboard, over the runs with a private score.
type ShakeUp struct {
	N         int          `json:"n"`
	CVPrivate *Correlation `json:"cv_private"`
	// PublicPrivate is over the runs with both leaderboard scores (NPublic).
	PublicPrivate *Correlation `json:"public_private"`
	NPublic       int          `json:"n_public"`
	// Closer says which ranked the runs closer to the private leaderboard
	// (by Spearman over the runs with all three scores): "cv", "public"
	// or "tie"; "" when it cannot be said.
	Closer string `json:"closer,omitempty"`
	// Over the runs with all three scores, the two Spearman correlations
	// that decide Closer.
	NAll           int      `json:"n_all"`
	SpearmanCV     *float64 `json:"spearman_cv_private_common,omitempty"`
	SpearmanPublic *float64 `json:"spearman_public_private_common,omitempty"`
}

// shakeUp is nil without private scores.
func shakeUp(rows []*tracker.Row) *ShakeUp {
	if len(rows) == 0 {
		return nil
	}
	s := &ShakeUp{N: len(rows)}
	var cv, priv, pub, privPub, cvAll, pubAll, privAll []float64
	for _, r := range rows {
		if r.CVScore != nil {
			cv = append(cv, *r.CVScore)
			priv = append(priv, *r.PrivateLB)
		}
		if r.LBScore != nil {
			pub = append(pub, *r.LBScore)
			privPub = append(privPub, *r.PrivateLB)
		}
		if r.CVScore != nil && r.LBScore != nil {
			cvAll = append(cvAll, *r.CVScore)
			pubAll = append(pubAll, *r.LBScore)
			privAll = append(privAll, *r.PrivateLB)
		}
	}
	s.CVPrivate, s.PublicPrivate, s.NPublic, s.NAll = pair(cv, priv), pair(pub, privPub), len(pub), len(cvAll)
	if len(cvAll) >= 3 {
		a, b := stats.Spearman(cvAll, privAll), stats.Spearman(pubAll, privAll)
		if !math.IsNaN(a) && !math.IsNaN(b) {
			s.SpearmanCV, s.SpearmanPublic = &a, &b
			switch {
			case a > b:
				s.Closer = "cv"
			case b > a:
				s.Closer = "public"
			default:
				s.Closer = "tie"
			}
		}
	}
	return s
}

// pair is the Pearson and Spearman correlation of x and y, nil where
// undefined (fewer than 3 runs, or no variation).
func pair(x, y []float64) *Correlation {
	c := &Correlation{N: len(x)}
	if len(x) < 3 {
		return c
	}
	if p := stats.Pearson(x, y); !math.IsNaN(p) {
		c.Pearson = &p
	}
	if sp := stats.Spearman(x, y); !math.IsNaN(sp) {
		c.Spearman = &sp
	}
	return c
}

func corrText(c *Correlation) string {
	if c == nil || c.Pearson == nil || c.Spearman == nil {
		return fmt.Sprintf("not enough runs (%d; 3 needed)", c.N)
	}
	return fmt.Sprintf("Pearson %.3f, Spearman %.3f over %d runs", *c.Pearson, *c.Spearman, c.N)
}

// ShakeUpLines says, for people, how well CV and the public LB predicted
// the private LB: the correlations, then which ranked the runs closer.
func ShakeUpLines(s *ShakeUp) []string {
	if s == nil {
		return nil
	}
	lines := []string{
		fmt.Sprintf("private LB known for %d run(s): CV-private %s; public-private %s", s.N, corrText(s.CVPrivate), corrText(s.PublicPrivate)),
	}
	switch s.Closer {
	case "cv":
		lines = append(lines, fmt.Sprintf("CV ranked the runs closer to the private LB than the public LB did (Spearman %.3f vs %.3f over %d runs): trust your CV", *s.SpearmanCV, *s.SpearmanPublic, s.NAll))
	case "public":
		lines = append(lines, fmt.Sprintf("the public LB ranked the runs closer to the private LB than CV did (Spearman %.3f vs %.3f over %d runs): the CV scheme did not match the test split", *s.SpearmanPublic, *s.SpearmanCV, s.NAll))
	case "tie":
		lines = append(lines, fmt.Sprintf("CV and the public LB ranked the runs equally close to the private LB (Spearman %.3f over %d runs)", *s.SpearmanCV, s.NAll))
	}
	return lines
}
