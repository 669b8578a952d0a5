package study

// hurts decides whether a group's gain counts as harm for --fail-on hurts:
// the verdict of the significance test where one could be made, so that
// seed noise does not fail a CI job, and the sign of the gain otherwise.
func hurts(v VariantSummary) bool {
	if v.Verdict != "" {
		return v.Verdict == VerdictHurts
	}
	return *v.Gain < 0
}
