//go:build reliability

package reliability

// long is true in the long form (`make reliability`): the full trial counts
// and sizes that docs/reliability.md reports.
const long = true
