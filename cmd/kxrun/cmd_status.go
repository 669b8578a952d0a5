package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/progress"
	"github.com/kxrun/kxrun/runner"
	"github.com/kxrun/kxrun/tracker"
)

type statusOptions struct {
	*globals
	JSON bool
}

func newStatusCmd(g *globals) *cobra.Command {
	opts := &statusOptions{globals: g}
	cmd := &cobra.Command{
		Use:     "status",
		Short:   "Show the progress of sweeps running on the tracker (from another terminal)",
		Example: "  kxrun status\n  watch -n 5 kxrun status --dir experiments",
		Args:    exactArgs(0, "kxrun status"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the running sweeps as JSON")
	return cmd
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	tr, err := openExisting(opts.Dir)
	if err != nil {
		return err
	}
	live, dead, err := tr.Statuses()
	if err != nil {
		return err
	}
	if opts.JSON {
		if live == nil {
			live = []*tracker.SweepStatus{}
		}
		doc := map[string]any{"running": live}
		if jobs := clusterJobs(tr, live); len(jobs) > 0 {
			doc["slurm_jobs"] = jobs
		}
		return writeJSON(opts.stdout, doc)
	}
	for _, s := range dead {
		fmt.Fprintf(opts.stdout, "%s of %s (pid %d) stopped without finishing at %d/%d runs: run the same command again to finish what is missing\n",
			s.Command, s.Plan, s.PID, s.Done, s.Total)
	}
	if len(live) == 0 {
		fmt.Fprintf(opts.stdout, "nothing is running on %s\n", displayPath(tr.Dir))
		return nil
	}
	now := time.Now()
	for _, s := range live {
		fresh := len(s.DurationS)
		var busy time.Duration
		for _, d := range s.DurationS {
			busy += time.Duration(d * float64(time.Second))
		}
		fmt.Fprintf(opts.stdout, "%s of %s (%s), pid %d, started %s ago\n", s.Command, s.Plan, s.PlanFile, s.PID,
			now.Sub(s.Started).Round(time.Second))
		// On Slurm every run is handed over at once: what runs is what
		// squeue says.
		jobs := clusterJobs(tr, []*tracker.SweepStatus{s})[s.PID]
		running := len(s.Running)
		if jobs != nil {
			running = 0
			for _, j := range jobs {
				if j.State == "RUNNING" && j.Run != runner.WorkerRun {
					running++
				}
			}
		}
		fmt.Fprintf(opts.stdout, "  %d/%d done (%d cached), %d running, %d failed, ETA %s",
			s.Done, s.Total, s.Cached, running, s.Failed, progress.ETA(s.Total-s.Done, fresh, busy, s.Jobs))
		if s.Best != nil {
			fmt.Fprintf(opts.stdout, ", best %.5f", *s.Best)
		}
		fmt.Fprintln(opts.stdout)
		if jobs != nil {
			printClusterJobs(opts.stdout, jobs)
			continue
		}
		for _, r := range s.Running {
			fmt.Fprintf(opts.stdout, "  running %s for %s\n", r.Name, now.Sub(r.Started).Round(time.Second))
		}
	}
	return nil
}

// clusterJobs are the Slurm jobs of the sweeps, by pid, as their executor
// last saw them in squeue.
func clusterJobs(tr *tracker.Tracker, live []*tracker.SweepStatus) map[int][]runner.ClusterJob {
	out := map[int][]runner.ClusterJob{}
	for _, s := range live {
		for _, data := range tr.ClusterJobs(s.PID) {
			var doc struct {
				Jobs []runner.ClusterJob `json:"jobs"`
			}
			if json.Unmarshal(data, &doc) == nil {
				out[s.PID] = append(out[s.PID], doc.Jobs...)
			}
		}
	}
	return out
}

// printClusterJobs lists a sweep's Slurm jobs: running ones with their
// node, pending ones with the reason Slurm gives.
func printClusterJobs(w io.Writer, jobs []runner.ClusterJob) {
	for _, j := range jobs {
		where := ""
		switch {
		case j.Node != "" && j.State == "RUNNING":
			where = " on " + j.Node
		case j.Reason != "" && j.Reason != "None":
			where = " (" + j.Reason + ")"
		}
		fmt.Fprintf(w, "  slurm %-10s %s%s: %s\n", cmp.Or(j.JobID, "-"), strings.ToLower(cmp.Or(j.State, "queued")), where, j.Run)
	}
}
