//go:build !reliability

package reliability

// long is false in the short form that `go test ./...` runs: few trials,
// smaller outputs. `make reliability` sets the reliability build tag.
const long = false
