// Command carebench runs benchmark scenarios against a running consortium
// and prints one line (or one JSON object) per scenario. A scenario is a
// chaincode function with argument templates in which {n} becomes the call's
// sequence number and {run} the run's id, so every transaction writes its
// own keys:
//
//	carebench --chaincode baseline --fn Put --arg 'k-{run}-{n}' --arg v
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/test/bench/harness"
)

type argList []string

func (a *argList) String() string     { return strings.Join(*a, ",") }
func (a *argList) Set(v string) error { *a = append(*a, v); return nil }

func main() {
	network := flag.String("network", envOr("CARECHAIN_HOME", ".carechain"), "consortium state folder")
	org := flag.String("org", "provider", "org")
	user := flag.String("user", "physician1", "user")
	channel := flag.String("channel", "care", "channel")
	chaincode := flag.String("chaincode", "baseline", "chaincode")
	fn := flag.String("fn", "Put", "function")
	name := flag.String("name", "", "scenario name (default CHAINCODE FN)")
	inFlight := flag.Int("in-flight", 100, "transactions in flight")
	duration := flag.Duration("duration", 20*time.Second, "how long to run")
	evaluate := flag.Bool("evaluate", false, "evaluate (query) instead of submit")
	output := flag.String("output", "text", "text or json")
	var args argList
	flag.Var(&args, "arg", "argument template, repeatable ({n}, {run})")
	flag.Parse()

	cl, err := client.Open(*network)
	if err != nil {
		fail(err)
	}
	defer cl.Close()
	s, err := cl.Session(*org, *user, client.SessionOptions{Retry: &client.NoRetry})
	if err != nil {
		fail(err)
	}
	defer s.Close()
	if *name == "" {
		*name = *chaincode + " " + *fn
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	r := harness.Run(context.Background(), harness.Config{
		Name: *name, Session: s, InFlight: *inFlight, Duration: *duration, Evaluate: *evaluate,
		Call: func(n int64) client.Call {
			a := make([]string, len(args))
			for i, t := range args {
				a[i] = strings.NewReplacer("{n}", strconv.FormatInt(n, 10), "{run}", run).Replace(t)
			}
			return client.Call{Channel: *channel, Chaincode: *chaincode, Function: *fn, Args: a}
		},
	})
	if *output == "json" {
		_ = json.NewEncoder(os.Stdout).Encode(r)
	} else {
		fmt.Println(r)
		if r.FirstError != "" {
			fmt.Println("  first failure:", r.FirstError)
		}
	}
	if r.Succeeded == 0 {
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "carebench:", err)
	os.Exit(1)
}
