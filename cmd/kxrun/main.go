// Command kxrun runs and tracks Kaggle-style experiments: feature-group
// ablations over seeds, every run logged to an on-disk tracker.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:]))
}
