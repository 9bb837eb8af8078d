// Command benchtable regenerates the README's benchmark table from one
// run's JSON (the machine and every scenario's report, as scripts/bench.sh
// writes them to bench/last.json): benchtable --doc README.md < bench/last.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/carechain/carechain/test/bench/benchtable"
)

func main() {
	doc := flag.String("doc", "", "the document whose generated part is replaced (default: print the table)")
	flag.Parse()
	if err := run(*doc); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(doc string) error {
	r, err := benchtable.Read(os.Stdin)
	if err != nil {
		return err
	}
	if len(r.Reports) == 0 {
		return fmt.Errorf("no reports on stdin")
	}
	table := benchtable.Table(r)
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
