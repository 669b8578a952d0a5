package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/npyfile"
	"github.com/kxrun/kxrun/submit"
	"github.com/kxrun/kxrun/tracker"
)

type submissionOptions struct {
	*globals
	Run       string
	Sample    string
	Out       string
	IDColumns int
}

func newSubmissionCmd(g *globals) *cobra.Command {
	opts := &submissionOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "submission RUN --sample sample_submission.csv [--out FILE]",
		Short: "Write a Kaggle submission from a run's test predictions",
		Long: `Writes a submission file from RUN's test predictions with the header and id
column(s) of the competition's sample submission: one prediction column for
1-D predictions, one column per class (in the sample's order) for 2-D ones.
A sample whose row or column count does not match is refused. The file's
sha256 and path are recorded in the run's details (submissions).`,
		Example: "  kxrun submission run_012 --sample data/sample_submission.csv\n  kxrun submission 12 --sample sample.csv --out sub.csv",
		Args:    exactArgs(1, "kxrun submission run_012 --sample sample_submission.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			if opts.Sample == "" {
				return usagef("kxrun submission run_012 --sample sample_submission.csv", "--sample is required: the competition's sample submission")
			}
			_, _, _, err := writeSubmission(opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Sample, "sample", "", "the competition's sample submission (CSV)")
	cmd.Flags().StringVar(&opts.Out, "out", "", "where to write it (default submissions/<run_id>.csv in the tracker)")
	cmd.Flags().IntVar(&opts.IDColumns, "id-columns", 1, "leading id columns of the sample")
	return cmd
}

// writeSubmission writes RUN's submission and records it.
func writeSubmission(opts *submissionOptions) (*tracker.Tracker, string, tracker.Submission, error) {
	tr, row, rec, err := loadRun(opts.Dir, opts.Run, opts.globals)
	if err != nil {
		return nil, "", tracker.Submission{}, err
	}
	a := rec.Artifacts["test"]
	if a == nil {
		return nil, "", tracker.Submission{}, usagef("log the run with its test predictions (test.npy)", "%s %s has no test predictions", row.RunID, row.Name)
	}
	cols := 1
	switch len(a.Shape) {
	case 1:
	case 2:
		cols = a.Shape[1]
	default:
		return nil, "", tracker.Submission{}, usagef("save 1-D predictions, or 2-D (rows, classes)", "%s: test predictions of shape %v cannot make a submission", row.RunID, a.Shape)
	}
	pred, _, err := npyfile.ReadFloat64(tr.Resolve(a.Path), 0)
	if err != nil {
		return nil, "", tracker.Submission{}, err
	}
	f, err := os.Open(opts.Sample)
	if err != nil {
		return nil, "", tracker.Submission{}, usagef("--sample sample_submission.csv", "%v", err)
	}
	defer f.Close()
	data, rows, err := submit.Build(f, pred, cols, opts.IDColumns)
	var ie *submit.InputError
	if errors.As(err, &ie) {
		return nil, "", tracker.Submission{}, usagef("use the competition's sample_submission.csv", "%s: %v; nothing was written", row.RunID, ie)
	}
	if err != nil {
		return nil, "", tracker.Submission{}, err
	}
	sub, err := tr.SaveSubmission(row.RunID, opts.Out, data, rows)
	if err != nil {
		return nil, "", tracker.Submission{}, err
	}
	fmt.Fprintf(opts.stdout, "%s %s: %d rows written, sha256 %s\n", row.RunID, row.Name, rows, sub.SHA256)
	printSaved(opts.stdout, tr.Resolve(sub.Path), tr.DetailsPath(row.RunID))
	return tr, row.RunID, sub, nil
}

type submitOptions struct {
	submissionOptions
	Competition string
	Message     string
}

func newSubmitCmd(g *globals) *cobra.Command {
	opts := &submitOptions{submissionOptions: submissionOptions{globals: g}}
	cmd := &cobra.Command{
		Use:   "submit RUN --competition C [-m MSG]",
		Short: "Submit a run's predictions to a Kaggle competition with the Kaggle CLI",
		Long: `Sends RUN's submission with the official Kaggle CLI
(kaggle competitions submit C -f FILE -m "kxrun:<run_id> MSG"), writing it
first from --sample when the run has none, and records when and with which
message. The kxrun:<run_id> token lets kxrun lb --sync find the run again.
Without the CLI on PATH it says how to install it and which file to upload.`,
		Example: "  kxrun submit run_012 --competition titanic -m \"lgb + target encoding\"\n  kxrun submit 12 --competition titanic --sample data/sample_submission.csv",
		Args:    exactArgs(1, "kxrun submit run_012 --competition titanic"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			if opts.Competition == "" {
				return usagef("kxrun submit run_012 --competition titanic", "--competition is required")
			}
			return runSubmit(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Competition, "competition", "", "the competition (its URL name, e.g. titanic)")
	f.StringVarP(&opts.Message, "message", "m", "", "the submission's description (after the kxrun:<run_id> token)")
	f.StringVar(&opts.Sample, "sample", "", "the sample submission, to write the file first if the run has none")
	f.StringVar(&opts.Out, "out", "", "with --sample: where to write it")
	f.IntVar(&opts.IDColumns, "id-columns", 1, "with --sample: leading id columns of the sample")
	return cmd
}

func runSubmit(ctx context.Context, opts *submitOptions) error {
	var tr *tracker.Tracker
	var runID string
	var sub tracker.Submission
	var err error
	if opts.Sample != "" {
		if tr, runID, sub, err = writeSubmission(&opts.submissionOptions); err != nil {
			return err
		}
	} else {
		var rec *tracker.Record
		if tr, _, rec, err = loadRun(opts.Dir, opts.Run, opts.globals); err != nil {
			return err
		}
		if len(rec.Submissions) == 0 {
			return usagef("kxrun submit "+rec.RunID+" --competition "+opts.Competition+" --sample sample_submission.csv", "%s has no submission file yet: give --sample to write one", rec.RunID)
		}
		sub = rec.Submissions[len(rec.Submissions)-1]
		// The file must still be the one recorded.
		if sum, err := submit.FileSHA256(tr.Resolve(sub.Path)); err != nil || sum != sub.SHA256 {
			return usagef("kxrun submission "+rec.RunID+" --sample sample_submission.csv writes it again", "%s changed or is gone since kxrun wrote it", tr.Resolve(sub.Path))
		}
		runID = rec.RunID
	}
	file := tr.Resolve(sub.Path)
	message := strings.TrimSpace(submit.Token(runID) + " " + opts.Message)
	cli, err := submit.FindCLI()
	if errors.Is(err, submit.ErrNoCLI) {
		fmt.Fprintf(opts.stderr, "kxrun: %v: install it with %s\n", err, submit.InstallHint)
		fmt.Fprintf(opts.stdout, "upload by hand at https://www.kaggle.com/competitions/%s/submit:\n  file: %s\n  description: %s\n", opts.Competition, file, message)
		return nil
	}
	if err := cli.Submit(ctx, opts.Competition, file, message, opts.stdout, opts.stderr); err != nil {
		return err
	}
	if err := tr.NoteSubmitted(runID, sub.SHA256, opts.Competition, message, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(opts.stdout, "%s submitted to %s as %q; kxrun lb --sync --competition %s brings the scores back\n", runID, opts.Competition, message, opts.Competition)
	return nil
}
