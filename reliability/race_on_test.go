//go:build race

package reliability

// raceEnabled: the test binary is built with -race, too slow to start to
// serve as the trainer of hundreds of runs; a plain build of it does.
const raceEnabled = true
