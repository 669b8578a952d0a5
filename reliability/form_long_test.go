//go:build reliability

package reliability

// long is true in the long form (`make reliability`): the trial counts and
// sizes of the issue.
const long = true
