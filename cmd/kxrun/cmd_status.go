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
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	live, dead, err := tr.Statuses()
	if err != nil {
		return err
	}
	claims, err := tr.Claims()
	if err != nil {
		return err
	}
	if opts.JSON {
		if live == nil {
			live = []*tracker.SweepStatus{}
		}
		if claims == nil {
			claims = []*tracker.Claim{}
		}
		doc := map[string]any{"running": live, "claims": claims}
		if jobs := clusterJobs(tr, live); len(jobs) > 0 {
			doc["slurm_jobs"] = jobs
		}
		return writeJSON(opts.stdout, doc)
	}
	defer printClaims(opts.stdout, claims)
	for _, s := range dead {
		fmt.Fprintf(opts.stdout, "%s of %s (pid %d) stopped without finishing at %d/%d runs: run the same command again to finish what is missing\n",
			s.Command, s.Plan, s.PID, s.Done, s.Total)
	}
	if len(live) == 0 && len(claims) == 0 {
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

// printClaims says who runs what: the runs each process claimed.
func printClaims(w io.Writer, claims []*tracker.Claim) {
	if len(claims) == 0 {
		return
	}
	type who struct {
		host string
		pid  int
	}
	byOwner := map[who][]*tracker.Claim{}
	var order []who
	for _, c := range claims {
		k := who{c.Host, c.PID}
		if byOwner[k] == nil {
			order = append(order, k)
		}
		byOwner[k] = append(byOwner[k], c)
	}
	for _, k := range order {
		cs := byOwner[k]
		names := make([]string, len(cs))
		for i, c := range cs {
			names[i] = visible(c.Name)
		}
		fmt.Fprintf(w, "pid %d on %s has claimed %d run(s) of %s: %s\n", k.pid, visible(k.host), len(cs), visible(cs[0].Plan), strings.Join(names, ", "))
	}
}
