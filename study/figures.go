package study

import "github.com/kxrun/kxrun/plots"

// GainsFigure is the data of an ablation's gains figure, for a caller
// that draws it elsewhere than the reports folder.
func GainsFigure(sum *AblationSummary) plots.Ablation { return gainsFigure(sum) }

// SeedsFigure is the data of a seed study's figure.
func SeedsFigure(sum *SeedSummary) plots.Seeds { return seedsFigure(sum) }
