package chaos

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/carechain/carechain/client"
)

// Tally is one fault's verdict: what the client reported against what
// every peer's ledger holds.
type Tally struct {
	Fault string
	Calls int
	// Committed, Failed and Unknown are what the client reported.
	Committed, Failed, Unknown int
	// Of the unknown: committed VALID, certainly not committed (invalid, or
	// absent from every peer's blocks once the network healed and its
	// status had been asked for a while), still unknown.
	UnknownValid, UnknownNone, UnknownOpen int
	// UnknownAbsent counts the UnknownNone that only the ledger settled:
	// no peer has the id in a block.
	UnknownAbsent int
	// Lost: reported committed (or resolved VALID), but not VALID with its
	// value on some peer.
	Lost int
	// Twice: a key with more than one VALID write on some peer.
	Twice int
	// FalseFailures: reported failed (or resolved not committed), but
	// written on some peer.
	FalseFailures int
	// FailCodes counts the reported failures by code.
	FailCodes map[client.Code]int
	// Stall is the longest gap between two commits.
	Stall time.Duration
	// Worst is the longest call that ran during the fault (see Worst);
	// WorstBefore the longest that ended before it.
	Worst, WorstBefore time.Duration
	// Back is how long the faulted node took to answer /healthz again.
	Back time.Duration
	// Elected is, for a killed Raft leader, when a new one was elected.
	Elected time.Duration
	// Samples are a few failure messages per code.
	Samples map[client.Code][]string
	// Problems name the first few faulty keys, for the test's failure.
	Problems []string
}

// Check compares the outcomes with each peer's view.
func Check(fault string, outs []Outcome, views []*View) Tally {
	t := Tally{Fault: fault, Calls: len(outs), FailCodes: map[client.Code]int{}, Samples: map[client.Code][]string{}, Stall: Stall(outs)}
	for _, o := range outs {
		if o.Unknown() && o.Resolved == "" {
			o.Resolved = ledgerVerdict(o.TxID, views)
			if o.Resolved == Absent {
				t.UnknownAbsent++
			}
		}
		t.count(o)
		t.checkKey(o, views)
	}
	return t
}

// Absent is the verdict on a transaction id no peer has in a block.
const Absent = "ABSENT"

// ledgerVerdict is the validation code the peers' blocks give txID, Absent
// when none has it, "" when they disagree or the id is unknown.
func ledgerVerdict(txID string, views []*View) string {
	if txID == "" {
		return ""
	}
	verdict := ""
	for i, v := range views {
		code, ok := v.Txs[txID]
		if !ok {
			code = Absent
		}
		if i > 0 && code != verdict {
			return ""
		}
		verdict = code
	}
	return verdict
}

func (t *Tally) count(o Outcome) {
	switch {
	case o.Committed():
		t.Committed++
	case o.Unknown():
		t.Unknown++
		t.sample(o)
		switch {
		case o.Resolved == "VALID":
			t.UnknownValid++
		case o.Resolved != "":
			t.UnknownNone++
		default:
			t.UnknownOpen++
		}
	default:
		t.Failed++
		t.FailCodes[o.Code]++
		t.sample(o)
	}
}

func (t *Tally) sample(o Outcome) {
	if len(t.Samples[o.Code]) < 3 {
		t.Samples[o.Code] = append(t.Samples[o.Code], o.Err)
	}
}

// keySeen is what the peers' views say about one outcome's key.
type keySeen struct {
	twice   bool // some peer saw it written more than once
	lost    bool // some peer lacks the one write the client reported
	written bool // some peer saw it written
}

// seeKey reads one outcome's key on every peer.
func seeKey(o Outcome, views []*View) keySeen {
	var k keySeen
	for _, v := range views {
		ws := v.Writes[o.Key]
		k.twice = k.twice || len(ws) > 1
		k.written = k.written || len(ws) > 0 || v.State[o.Key] != ""
		ok := len(ws) == 1 && ws[0].Value == o.Value && v.State[o.Key] == o.Value &&
			(o.TxID == "" || ws[0].TxID == o.TxID)
		k.lost = k.lost || !ok
	}
	return k
}

// checkKey checks one outcome's key on every peer.
func (t *Tally) checkKey(o Outcome, views []*View) {
	k := seeKey(o, views)
	undecided := o.Unknown() && o.Resolved == ""
	switch {
	case k.twice:
		t.Twice++
		t.problem("%s written %d times", o.Key, len(views[0].Writes[o.Key]))
	case o.Effective() && k.lost:
		t.Lost++
		t.problem("%s reported committed (tx %s) is not VALID with its value on every peer", o.Key, o.TxID)
	case !o.Effective() && !undecided && k.written:
		t.FalseFailures++
		t.problem("%s reported %s (tx %s) is on the ledger", o.Key, o.Code, o.TxID)
	}
}

func (t *Tally) problem(format string, args ...any) {
	if len(t.Problems) < 10 {
		t.Problems = append(t.Problems, fmt.Sprintf(format, args...))
	}
}

// OK reports whether the ledger agrees with the client everywhere.
func (t Tally) OK() bool {
	return t.Lost == 0 && t.Twice == 0 && t.FalseFailures == 0 && t.UnknownOpen == 0
}

// PrintTable writes the tallies as a Markdown table.
func PrintTable(w io.Writer, ts []Tally) {
	fmt.Fprintln(w, "| fault | reported committed | failed (codes) | unknown → valid / none / open | lost | committed twice | reported failed but committed | stall | worst call before / in fault | node back | leader elected |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, t := range ts {
		none := fmt.Sprint(t.UnknownNone)
		if t.UnknownAbsent > 0 {
			none += fmt.Sprintf(" (%d absent)", t.UnknownAbsent)
		}
		fmt.Fprintf(w, "| %s | %d/%d | %d%s | %d → %d / %s / %d | %d | %d | %d | %.1f s | %.2f / %.2f s | %s | %s |\n",
			t.Fault, t.Committed, t.Calls, t.Failed, codes(t.FailCodes), t.Unknown, t.UnknownValid, none, t.UnknownOpen,
			t.Lost, t.Twice, t.FalseFailures, t.Stall.Seconds(), t.WorstBefore.Seconds(), t.Worst.Seconds(), seconds(t.Back), seconds(t.Elected))
	}
}

func seconds(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func codes(m map[client.Code]int) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for c, n := range m {
		parts = append(parts, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(parts)
	return " (" + strings.Join(parts, ", ") + ")"
}
