package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// globals are the settings every command shares. Precedence: flag, then a
// KXRUN_* environment variable, then kxrun.yaml in the current directory,
// then the default.
type globals struct {
	Dir     string `mapstructure:"dir"`
	Jobs    int    `mapstructure:"jobs"`
	JobsSet bool   `mapstructure:"-"` // jobs came from a flag, env or kxrun.yaml, not the default

	stdout, stderr io.Writer
	// hard is closed on a second interrupt: kill runs at once.
	hard <-chan struct{}
}

var knownSettings = []string{"dir", "jobs"}

// settingsFile is read from the current directory.
const settingsFile = "kxrun.yaml"

// Main runs kxrun with args and returns the exit status.
func Main(args []string) int {
	ctx, hard, stop := interruptContext()
	defer stop()
	g := &globals{stdout: os.Stdout, stderr: os.Stderr, hard: hard}
	root := newRootCmd(g)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && cmd == root && !errors.Is(err, errUsage) {
		// root has no Run of its own and its flag errors are usage errors
		// already (SetFlagErrorFunc), so an error that stops at root is
		// cobra finding no command by the name given: a usage error too.
		err = usagef("kxrun --help", "%v", err)
	}
	if err != nil {
		printError(g.stderr, err)
	}
	return exitCode(err)
}

// interruptContext is cancelled by the first SIGINT or SIGTERM; the
// returned channel is closed by the second, to kill runs without waiting.
func interruptContext() (context.Context, <-chan struct{}, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	hard := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				n++
				if n == 1 {
					fmt.Fprintf(os.Stderr, "\nkxrun: %v: stopping runs (they get SIGTERM, then SIGKILL); press Ctrl-C again to kill them now\n", sig)
					cancel(errors.New("interrupted"))
				} else {
					fmt.Fprintln(os.Stderr, "kxrun: killing runs now")
					close(hard)
					signal.Stop(sigs)
					return
				}
			}
		}
	}()
	return ctx, hard, func() { signal.Stop(sigs); close(done); cancel(nil) }
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "kxrun",
		Short: "Run and track Kaggle-style experiments: feature ablations over seeds, every run logged",
		Long: `kxrun expands a YAML plan into feature-group ablation variants times seeds,
runs your own training command for each one concurrently, and logs every run
(failed ones too) to an on-disk tracker.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return loadGlobals(cmd, g)
		},
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef(cmd.CommandPath()+" --help", "%v", err)
	})
	pf := root.PersistentFlags()
	pf.String("dir", "experiments", "tracker directory (env KXRUN_DIR)")
	pf.Int("jobs", runtime.NumCPU(), "runs at once; overrides the plan's jobs (env KXRUN_JOBS)")
	root.AddCommand(newAblationCmd(g))
	root.AddCommand(newSeedsCmd(g))
	root.AddCommand(newReportCmd(g), newCompareCmd(g), newShowCmd(g), newLBCmd(g),
		newArtifactCmd(g, "oof"), newArtifactCmd(g, "test"),
		newArchiveCmd(g, true), newArchiveCmd(g, false), newBaselineCmd(g),
		newLogCmd(g), newRunCmd(g), newInitCmd(g), newImportCmd(g), newStatusCmd(g))
	root.AddCommand(newEditCmd(g))
	root.AddCommand(newDoctorCmd(g))
	root.AddCommand(newSweepsCmd(g))
	root.AddCommand(newUICmd(g))
	root.AddCommand(newEnsembleCmd(g), newOOFCorrCmd(g), newSubmissionCmd(g), newSubmitCmd(g))
	root.AddCommand(newWorkerCmd(g))
	return root
}

// loadGlobals resolves the shared settings with a local viper instance.
func loadGlobals(cmd *cobra.Command, g *globals) error {
	v := viper.New()
	v.SetEnvPrefix("KXRUN")
	v.AutomaticEnv()
	// An explicit file: viper's search by name would also take a file
	// called just "kxrun" (the binary, when run from its folder).
	if _, err := os.Stat(settingsFile); err == nil {
		v.SetConfigFile(settingsFile)
		if err := v.ReadInConfig(); err != nil {
			return usagef("fix kxrun.yaml in the current directory, or remove it", "read kxrun.yaml: %v", err)
		}
		for _, k := range v.AllKeys() {
			if !slices.Contains(knownSettings, strings.ToLower(k)) {
				return usagef("known settings are: "+strings.Join(knownSettings, ", "), "kxrun.yaml: unknown setting %q", k)
			}
		}
	}
	var bindErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if slices.Contains(knownSettings, f.Name) {
			bindErr = errors.Join(bindErr, v.BindPFlag(f.Name, f))
		}
	})
	if bindErr != nil {
		return bindErr
	}
	if err := v.Unmarshal(g); err != nil {
		return usagef("check KXRUN_* variables and kxrun.yaml", "settings: %v", err)
	}
	g.JobsSet = cmd.Flags().Changed("jobs") || os.Getenv("KXRUN_JOBS") != "" || v.InConfig("jobs")
	if g.Jobs < 1 {
		return usagef("--jobs 2", "jobs must be at least 1, got %d", g.Jobs)
	}
	if strings.TrimSpace(g.Dir) == "" {
		return usagef("--dir experiments", "the tracker directory is empty")
	}
	return nil
}
