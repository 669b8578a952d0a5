package main

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

var updateScripts = flag.Bool("update", false, "update the cmp sections of testscripts")

// recomputeFromCSV checks every cv_mean and gain of an ablation summary
// against figures computed here from runs.csv alone, the way a user with
// pandas would.
func recomputeFromCSV(csvPath, jsonPath string) error {
	f, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	// score[variant][seed] of ok runs
	score := map[string]map[string]float64{}
	for _, r := range records[1:] {
		if r[col["status"]] != "ok" {
			continue
		}
		v, s := r[col["variant"]], r[col["seed"]]
		cv, err := strconv.ParseFloat(r[col["cv_score"]], 64)
		if err != nil {
			return fmt.Errorf("cv_score %q: %v", r[col["cv_score"]], err)
		}
		var folds []float64
		if err := json.Unmarshal([]byte(r[col["cv_folds"]]), &folds); err != nil {
			return err
		}
		sum := 0.0
		for _, x := range folds {
			sum += x
		}
		if math.Abs(sum/float64(len(folds))-cv) > 1e-12 {
			return fmt.Errorf("cv_score %v is not the mean of cv_folds %v", cv, folds)
		}
		if score[v] == nil {
			score[v] = map[string]float64{}
		}
		score[v][s] = cv
	}
	var sum struct {
		Direction string
		Variants  []struct {
			Variant   string
			SameAs    string   `json:"same_as"`
			Reference string   `json:"reference"`
			CVMean    *float64 `json:"cv_mean"`
			Gain      *float64 `json:"gain"`
		}
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		return err
	}
	sign := 1.0
	if sum.Direction == "minimize" {
		sign = -1
	}
	canon := map[string]string{}
	for _, v := range sum.Variants {
		canon[v.Variant] = v.Variant
		if v.SameAs != "" {
			canon[v.Variant] = v.SameAs
		}
	}
	for _, v := range sum.Variants {
		runs := score[canon[v.Variant]]
		if len(runs) == 0 {
			if v.CVMean != nil {
				return fmt.Errorf("%s: cv_mean %v but no ok runs in runs.csv", v.Variant, *v.CVMean)
			}
			continue
		}
		mean := 0.0
		for _, s := range runs {
			mean += s
		}
		mean /= float64(len(runs))
		if v.CVMean == nil || math.Abs(*v.CVMean-mean) > 1e-12 {
			return fmt.Errorf("%s: cv_mean %v, recomputed %v", v.Variant, v.CVMean, mean)
		}
		if v.Reference == "" {
			if v.Gain != nil {
				return fmt.Errorf("%s: gain %v, want null", v.Variant, *v.Gain)
			}
			continue
		}
		ref := score[canon[v.Reference]]
		gain, n := 0.0, 0
		for seed, s := range runs {
			r, ok := ref[seed]
			if !ok {
				continue
			}
			d := s - r
			if strings.HasPrefix(v.Variant, "-") {
				d = r - s
			}
			gain += sign * d
			n++
		}
		if n == 0 {
			continue
		}
		gain /= float64(n)
		if v.Gain == nil || math.Abs(*v.Gain-gain) > 1e-12 {
			return fmt.Errorf("%s: gain %v, recomputed %v", v.Variant, v.Gain, gain)
		}
	}
	return nil
}
