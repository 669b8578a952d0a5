package study

// hurts decides whether a group's gain counts as harm for --fail-on hurts.
func hurts(v VariantSummary) bool {
	return *v.Gain < 0
}
