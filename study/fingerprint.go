package study

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/kxrun/kxrun/internal/fileutil"
	"github.com/kxrun/kxrun/plan"
	"github.com/kxrun/kxrun/runner"
)

// HashInputs hashes the content of the plan's inputs (files, or every file
// below a directory), relative to the working directory.
func HashInputs(workdir string, inputs []string) (map[string]string, error) {
	if len(inputs) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(inputs))
	for _, in := range inputs {
		path := in
		if !filepath.IsAbs(path) {
			path = filepath.Join(workdir, in)
		}
		sum, err := hashTree(path)
		if err != nil {
			return nil, &InputError{Msg: fmt.Sprintf("inputs: %v (paths are relative to the workdir %s)", err, workdir)}
		}
		out[in] = sum
	}
	return out, nil
}

// hashTree hashes a file, or a directory's files by relative path and
// content in a fixed order.
func hashTree(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return hashFile(path)
	}
	h := sha256.New()
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		sum, err := hashFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(path, p)
		fmt.Fprintf(h, "%s\x00%s\n", rel, sum)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(path string) (string, error) {
	f, _, err := fileutil.OpenRegular(path) // a fifo would block for good
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprintVersion changes when what goes into a fingerprint changes, so
// that old cache entries are not mistaken for new ones.
const fingerprintVersion = 1

// Fingerprint identifies what a run computes: the command after
// substitution (the per-run paths {run_dir} and {spec} left as written),
// the working directory, features, seed, params, the plan's env, the
// techniques on (their params and env are in params and env already) and
// the content of its inputs. A run without techniques has the fingerprint
// it had before plans had techniques, so adding a technique to a plan
// reuses every run that does not have it on.
func Fingerprint(spec *runner.Spec, inputs map[string]string) string {
	cmd := spec.Command.Expand(plan.Vars{Seed: spec.Seed, Features: spec.Features, Variant: spec.Variant,
		RunDir: "{run_dir}", Spec: "{spec}", Techniques: spec.Techniques})
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	in := make([][2]string, len(keys))
	for i, k := range keys {
		in[i] = [2]string{k, inputs[k]}
	}
	// encoding/json sorts map keys, so equal content gives equal bytes.
	data, _ := json.Marshal(struct {
		V        int               `json:"v"`
		Argv     []string          `json:"argv,omitempty"`
		Shell    string            `json:"shell,omitempty"`
		Workdir  string            `json:"workdir"`
		Features []string          `json:"features"`
		Seed     int64             `json:"seed"`
		Params   map[string]any    `json:"params"`
		Env      map[string]string `json:"env"`
		Inputs   [][2]string       `json:"inputs"`
		Techs    []string          `json:"techniques,omitempty"`
	}{fingerprintVersion, cmd.Argv, cmd.Shell, spec.Dir, spec.Features, spec.Seed, spec.Params, spec.Env, in, spec.Techniques})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}
