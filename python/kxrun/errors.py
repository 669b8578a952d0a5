"""The errors the package raises."""


class ResultError(ValueError):
    """A run's result that kxrun would refuse: an empty, NaN or infinite
    score, a metric that is not a finite number, an array kxrun cannot keep."""


class KxrunNotFound(RuntimeError):
    """No kxrun binary on PATH or in KXRUN_BIN."""


class KxrunError(RuntimeError):
    """A kxrun command failed. ``returncode`` is its exit status (2 for bad
    input, 3 when the tracker could not be written) and ``stderr`` what it
    said."""

    def __init__(self, args, returncode, stderr):
        self.args_run = list(args)
        self.returncode = returncode
        self.stderr = stderr
        message = stderr.strip() or "no message"
        super().__init__(f"kxrun {' '.join(self.args_run[1:])} exited with status {returncode}: {message}")
