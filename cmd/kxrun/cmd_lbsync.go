package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/report"
	"github.com/kxrun/kxrun/submit"
	"github.com/kxrun/kxrun/tracker"
)

type lbSyncOptions struct {
	Sync        bool
	Competition string
	From        string
	JSON        bool
}

func addLBSyncFlags(cmd *cobra.Command, o *lbSyncOptions) {
	f := cmd.Flags()
	f.BoolVar(&o.Sync, "sync", false, "record the scores of your Kaggle submissions (kaggle competitions submissions C --csv)")
	f.StringVar(&o.Competition, "competition", "", "with --sync: the competition to ask the Kaggle CLI about")
	f.StringVar(&o.From, "from", "", "with --sync: read a saved listing (the CLI's --csv output) instead of running the CLI")
	f.BoolVar(&o.JSON, "json", false, "print the updated run as one JSON object; with --sync, what was recorded and what was not")
}

// submissionRun resolves `kxrun lb FILE.csv`: an existing file is looked
// up by its sha256 among the submissions kxrun wrote; anything else is a
// run reference.
func submissionRun(tr *tracker.Tracker, ref string) (string, error) {
	if !strings.HasSuffix(strings.ToLower(ref), ".csv") {
		return ref, nil
	}
	sum, err := submit.FileSHA256(ref)
	if errors.Is(err, fs.ErrNotExist) {
		return "", usagef("kxrun lb run_012 0.8123", "%s does not exist", ref)
	}
	if err != nil {
		return "", err
	}
	refs, err := tr.FindSubmission(sum)
	if err != nil {
		return "", err
	}
	switch len(refs) {
	case 0:
		return "", usagef("kxrun lb RUN SCORE names the run instead", "%s is no submission kxrun wrote (no run has a file with sha256 %.12s…)", ref, sum)
	case 1:
		return refs[0].RunID, nil
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.RunID
	}
	return "", usagef("kxrun lb RUN SCORE names the run", "%s is the submission of several runs (%s)", ref, strings.Join(ids, ", "))
}

func runLBSync(ctx context.Context, opts *lbOptions) error {
	if (opts.Competition == "") == (opts.From == "") {
		return usagef("kxrun lb --sync --competition titanic, or --from listing.csv", "--sync needs --competition or --from (one of them)")
	}
	tr, rows, err := openRuns(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	var data []byte
	if opts.From != "" {
		if data, err = os.ReadFile(opts.From); err != nil {
			return usagef("--from listing.csv (saved from kaggle competitions submissions C --csv)", "%v", err)
		}
	} else {
		cli, err := submit.FindCLI()
		if err != nil {
			return &hinted{err: err, hint: submit.InstallHint + "; or save the listing elsewhere and pass it with --from"}
		}
		if data, err = cli.Listing(ctx, opts.Competition); err != nil {
			return err
		}
	}
	entries, err := submit.ParseListing(data)
	if err != nil {
		return usagef("kaggle competitions submissions C --csv > listing.csv", "%v", err)
	}
	known := make(map[string]bool, len(rows))
	for _, r := range rows {
		known[r.RunID] = true
	}
	refs, err := tr.SubmissionRefs()
	if err != nil {
		return err
	}
	m := submit.Match(entries, known, refs, tr.Resolve)
	// The listing is newest first: a run's newest scored submission wins.
	updates := newestFirst(m.Updates)
	changed, err := tr.SetLeaderboard(updates)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.stdout, report.SyncJSON(changed, m))
	}
	report.SyncText(opts.stdout, changed, m, styleFor(opts.stdout))
	if len(changed) > 0 {
		printSaved(opts.stdout, tr.CSVPath())
	}
	return nil
}

// newestFirst keeps, per run, the first update with each score.
func newestFirst(us []tracker.LBUpdate) []tracker.LBUpdate {
	seenPub, seenPriv := map[string]bool{}, map[string]bool{}
	var out []tracker.LBUpdate
	for _, u := range us {
		if seenPub[u.RunID] {
			u.Public = nil
		}
		if seenPriv[u.RunID] {
			u.Private = nil
		}
		if u.Public != nil {
			seenPub[u.RunID] = true
		}
		if u.Private != nil {
			seenPriv[u.RunID] = true
		}
		out = append(out, u)
	}
	return out
}
