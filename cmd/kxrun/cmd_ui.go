package main

import (
	"context"
	"errors"
	"net"

	"github.com/spf13/cobra"

	"github.com/kxrun/kxrun/ui"
)

type uiOptions struct {
	*globals
	ui.Options
}

func newUICmd(g *globals) *cobra.Command {
	opts := &uiOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "ui",
		Short: "Serve a dashboard of the tracker in the browser: runs, groups, sweeps, leaderboard, live progress",
		Long: `Serves the tracker over HTTP from this binary: the runs table (sort, filter,
group by configuration with mean, std, min and max over seeds), a run's page,
runs side by side, each sweep's gains, CV against the leaderboard, and the
progress of running sweeps, updated live. runs.csv is read once and followed.

It listens on loopback only unless --addr says otherwise; any other address
needs a token, generated and printed in the URL unless --token gives one.
Read-only unless --allow-edit, which lets the pages record LB scores, archive
runs and edit notes.`,
		Example: "  kxrun ui\n  kxrun ui --dir experiments --open\n  kxrun ui --addr 0.0.0.0:8765 --token \"$(openssl rand -hex 16)\"",
		Args:    exactArgs(0, "kxrun ui"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUI(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", ui.DefaultAddr, "host:port to listen on (port 0: any free port)")
	f.StringVar(&opts.Token, "token", "", "require this token (?token=... in the URL); generated for a non-loopback --addr")
	f.BoolVar(&opts.Open, "open", false, "open the dashboard in the default browser")
	f.BoolVar(&opts.AllowEdit, "allow-edit", false, "allow recording LB scores, archiving runs and editing notes from the pages")
	return cmd
}

func runUI(ctx context.Context, opts *uiOptions) error {
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return usagef("--addr 127.0.0.1:8765", "--addr %q is not host:port", opts.Addr)
	}
	tr, err := openExisting(opts.Dir, opts.stderr)
	if err != nil {
		return err
	}
	err = ui.Serve(ctx, tr, opts.Options, opts.stdout)
	var ue *ui.UsageError
	if errors.As(err, &ue) {
		return usagef(ue.Hint, "%s", ue.Msg)
	}
	return err
}
