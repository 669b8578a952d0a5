// Package npyfile validates NumPy .npy files written by trainers (out-of-fold
// and test predictions) before kxrun records or moves them (Inspect), copies
// them without overwriting anything (Copy), reads their values as float64
// (ReadFloat64) and writes kxrun's own float64 arrays (WriteFloat64).
//
// Trainer output is treated as untrusted: Inspect never trusts the header
// blindly, reads at most a small bounded header into memory, refuses
// anything that is not a regular file, and insists that the file size is
// exactly what the header describes, so a lying header cannot make kxrun
// allocate, block or read past the data. Only plain numeric dtypes (bool,
// integers, float16/32/64) are accepted; object, string, structured,
// datetime, complex and long double arrays are rejected with a reason.
//
// The header dict is parsed here rather than with an external .npy reader
// because that reader trusted the header length (allocating up to 4 GiB),
// depended on key order, did not know format 3.0 and could panic on a
// header without a newline.
package npyfile
