// Package ensemble blends logged runs: it loads their out-of-fold and test
// predictions from the tracker, refuses members that cannot be blended,
// finds weights (mean, rank average, Caruana's hill climbing, or an
// optimiser), scores the blend in-sample and fold-honestly, and logs it as
// an ordinary run. It also correlates runs' OOF predictions pairwise
// (LoadOOF, Correlate: kxrun oofcorr).
//
// Blend and Correlate are pure computation on arrays; Load, LoadOOF and
// Input.Log are the tracker side.
package ensemble
