// Command benchtable regenerates the README's benchmark table from one
// run's JSON reports: benchtable --machine "2 cores, …" --doc README.md < bench.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/carechain/carechain/test/bench/benchtable"
)

func main() {
	machine := flag.String("machine", "", "the machine the run was on (cores, memory, Go, load)")
	doc := flag.String("doc", "", "the document whose generated part is replaced (default: print the table)")
	flag.Parse()
	if err := run(*machine, *doc); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(machine, doc string) error {
	reps, err := benchtable.Read(os.Stdin)
	if err != nil {
		return err
	}
	if len(reps) == 0 {
		return fmt.Errorf("no reports on stdin")
	}
	table := benchtable.Table(machine, reps)
	if doc == "" {
		_, err := fmt.Print(table)
		return err
	}
	old, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	updated, err := benchtable.Replace(string(old), table)
	if err != nil {
		return err
	}
	return os.WriteFile(doc, []byte(updated), 0o644)
}
