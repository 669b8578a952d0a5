// Package plan reads kxrun experiment plans: it parses and validates a YAML
// plan file and expands it into the variants and runs it describes.
//
// It owns the plan format (see [Plan]), the placeholders of a command and
// their safe substitution ([Command.Expand]), the set of ablation variants
// of a plan over its feature groups and techniques ([Plan.Variants]), the
// variants of a path ablation ([Plan.PathVariant]) and the list of runs
// with their file-safe names ([Plan.Runs], [RunName]). It also knows which
// way the common metrics go ([MetricDirection], [ResolveDirection]), how a
// technique's params merge over the plan's ([MergeParams]), and the
// settings of adaptive sweeps and of the Slurm executor with their defaults
// filled in ([Plan.AdaptiveSettings], [Plan.SlurmSettings]).
//
// The package is pure: [Load] reads the plan file and nothing else. It starts
// no processes and writes no files, so callers decide where and how runs
// happen.
//
// # Format
//
// A plan is one YAML mapping; only command and at least one feature are
// required:
//
//	name: titanic              # default: the file name without extension
//	competition: titanic
//	metric: auc                # a label; the trainer computes scores
//	direction: maximize        # or minimize; default: a known metric's, else maximize
//	model: lgb                 # default "model"
//	command: [python3, train.py, --seed, "{seed}", --features, "{features}"]
//	# command: python3 train.py --features {features} > log   (run by /bin/sh -c)
//	workdir: .
//	env: {OMP_NUM_THREADS: 1}
//	jobs: 2
//	timeout: 30m
//	retries: 0
//	seeds: [42, 123]           # default [42]
//	base_features: [age, fare]
//	feature_groups:            # order is kept
//	  family: [sibsp, parch]
//	  title: [title]
//	params: {num_leaves: 31}   # any JSON-like value
//	techniques:                # order is kept; ablated like groups
//	  target_enc:
//	    params: {encoding: target}   # merged over params by path when on
//	    env: {USE_TE: "1"}           # added to env when on
//	alpha: 0.05
//	min_gain: 0.001
//	seed_std_warn: 0.005
//	inputs: [train.py, data/train.csv]
//	gpus: [0, 1]
//	per_gpu: 1
//	target: data/y_train.npy   # labels of the OOF rows, for trainers that do not report them
//	folds: data/folds.npy      # the fold of each OOF row
//	adaptive: {min_seeds: 3, max_seeds: 12, looks: [3, 5, 8, 12]}   # see [Adaptive]
//	executor: slurm            # default local
//	slurm: {partition: gpu, time: "2:00:00", gres: "gpu:1"}         # see [Slurm]
//
// Names (plan, model, group, technique) may only use letters, digits, '_',
// '.' and '-' because they end up in file names; groups and techniques share
// one namespace. A feature may appear in base_features or in one group,
// once. A technique must change something: params that merge to the plan's
// own, or no params and no env, are errors. Placeholders {seed},
// {features}, {variant}, {run_dir}, {spec} and {techniques} in the command
// are filled in by [Command.Expand].
//
// Empty top-level lists and mappings decode to nil, and a key whose value is
// null (for example "timeout:" with nothing after it) counts as absent.
//
// # Problems
//
// Every problem in a plan is reported as an [*Error] carrying the file, line
// and column of the offending YAML node; [Load] and [Parse] collect all of
// them into an [*ErrorList] rather than stopping at the first. Problems that
// do not stop a plan from running, such as a group whose variant names
// pandas would read as missing values, are returned in [Plan.Warnings].
package plan
