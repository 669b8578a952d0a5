package report

// The formats of the tables and reports, for other renderings of the
// same figures (the dashboard) to show the same text.

// Score is a score with 5 decimals, "—" when missing.
func Score(f *float64) string { return score(f) }

// Signed is a difference with 5 decimals and its sign, never "-0.00000".
func Signed(f float64) string { return signed(f) }

// PValue is a p-value as the ablation table gives it ("<0.0001").
func PValue(p *float64) string { return pValue(p) }

// ShapeText is an array's shape as numpy prints it: "(4000,)", "(10, 3)".
func ShapeText(shape []int) string { return shapeText(shape) }
