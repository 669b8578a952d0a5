// Command execloop is the floor of the overhead benchmark: it runs a
// program N times, J at a time, with os/exec and errgroup, capturing
// stdout and logging nothing.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"

	"golang.org/x/sync/errgroup"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: execloop N JOBS PROGRAM")
		os.Exit(2)
	}
	n, _ := strconv.Atoi(os.Args[1])
	jobs, _ := strconv.Atoi(os.Args[2])
	var g errgroup.Group
	g.SetLimit(jobs)
	for range n {
		g.Go(func() error {
			_, err := exec.Command(os.Args[3]).Output()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
