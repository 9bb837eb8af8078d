// Command carectl is carechain's command line: consortium members submit and
// query chaincode transactions and listen to events, each as one of their
// org's enrolled users. Every command prints JSON with --output json.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
