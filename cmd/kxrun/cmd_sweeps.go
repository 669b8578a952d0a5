package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/tracker"
)

type sweepsOptions struct {
	*globals
	ID   string
	JSON bool
	Plan string
}

func newSweepsCmd(g *globals) *cobra.Command {
	opts := &sweepsOptions{globals: g}
	cmd := &cobra.Command{
		Use:     "sweeps",
		Short:   "List past sweeps; kxrun sweeps show ID prints one's summary and run ids",
		Example: "  kxrun sweeps\n  kxrun sweeps show s3 --json",
		Args:    exactArgs(0, "kxrun sweeps"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSweeps(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the sweeps as one JSON object")
	cmd.Flags().StringVar(&opts.Plan, "plan", "", "only sweeps of this plan (its name)")
	show := &cobra.Command{
		Use:     "show ID",
		Short:   "Print a past sweep's summary and run ids, running nothing",
		Example: "  kxrun sweeps show s3\n  kxrun sweeps show 3 --json",
		Args:    exactArgs(1, "kxrun sweeps show s3"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return runSweepShow(cmd.Context(), opts)
		},
	}
	show.Flags().BoolVar(&opts.JSON, "json", false, "print the sweep as one JSON object")
	cmd.AddCommand(show)
	return cmd
}

func runSweeps(ctx context.Context, opts *sweepsOptions) error {
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	all, err := tr.Sweeps()
	if err != nil {
		return err
	}
	list := []*tracker.SweepRecord{}
	for _, s := range all {
		if opts.Plan == "" || s.Plan == opts.Plan {
			list = append(list, s)
		}
	}
	if opts.JSON {
		return writeJSON(opts.stdout, map[string]any{"sweeps": list})
	}
	if len(list) == 0 {
		fmt.Fprintf(opts.stdout, "no sweep recorded in %s\n", displayPath(tr.Dir))
		return nil
	}
	fmt.Fprintf(opts.stdout, "%-5s  %-20s  %-8s  %-24s  %s\n", "id", "started", "command", "plan", "runs")
	for _, s := range list {
		fmt.Fprintf(opts.stdout, "%-5s  %-20s  %-8s  %-24s  %s\n", s.ID, s.Started.Local().Format("2006-01-02 15:04:05"), s.Command, visible(s.Plan), sweepCounts(s))
	}
	return nil
}

func runSweepShow(ctx context.Context, opts *sweepsOptions) error {
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	s, err := tr.Sweep(opts.ID)
	if err != nil {
		return usagef("kxrun sweeps", "%v", err)
	}
	if opts.JSON {
		return writeJSON(opts.stdout, s)
	}
	fmt.Fprintf(opts.stdout, "sweep %s: kxrun %s %s (plan %s), pid %d\n", s.ID, s.Command, visible(s.PlanFile), visible(s.Plan), s.PID)
	fmt.Fprintf(opts.stdout, "  started %s, took %s\n", s.Started.Local().Format(time.RFC3339), s.Finished.Sub(s.Started).Round(time.Millisecond))
	fmt.Fprintf(opts.stdout, "  %s\n", sweepCounts(s))
	var ids []string
	for _, id := range s.RunIDs {
		if id != "" {
			ids = append(ids, id)
		}
	}
	fmt.Fprintf(opts.stdout, "  run ids: %s\n", strings.Join(ids, " "))
	return nil
}

func sweepCounts(s *tracker.SweepRecord) string {
	out := fmt.Sprintf("%d runs: %d ok, %d failed, %d cached", s.Total, s.OK, s.Failed+s.Cancelled, s.Cached)
	if s.NotStarted > 0 {
		out += fmt.Sprintf(", %d not started", s.NotStarted)
	}
	if s.Interrupted {
		out += " (stopped before its end)"
	}
	return out
}
