package chaos

import (
	"testing"

	"github.com/carechain/carechain/client"
)

func view(writes map[string][]Write, txs map[string]string) *View {
	v := &View{Writes: writes, Txs: txs, State: map[string]string{}}
	for k, ws := range writes {
		v.State[k] = ws[len(ws)-1].Value
	}
	return v
}

func TestCheckCountsWhatTheLedgerContradicts(t *testing.T) {
	outs := []Outcome{
		{Key: "ok", Value: "1", TxID: "t1"},                                                      // committed, on both peers
		{Key: "lost", Value: "2", TxID: "t2"},                                                    // committed, on one peer only
		{Key: "twice", Value: "3", TxID: "t3"},                                                   // committed, and a second write
		{Key: "false", Value: "4", Code: client.CodeUnavailable},                                 // failed, yet written
		{Key: "fail", Value: "5", Code: client.CodeUnavailable},                                  // failed, nowhere
		{Key: "unk", Value: "6", TxID: "t6", Code: client.CodeCommitUnknown},                     // unknown, absent
		{Key: "unkv", Value: "7", TxID: "t7", Code: client.CodeCommitUnknown, Resolved: "VALID"}, // unknown, resolved VALID
	}
	both := map[string][]Write{
		"ok":    {{TxID: "t1", Value: "1"}},
		"lost":  {{TxID: "t2", Value: "2"}},
		"twice": {{TxID: "t3", Value: "3"}, {TxID: "t3b", Value: "3"}},
		"false": {{TxID: "t4", Value: "4"}},
		"unkv":  {{TxID: "t7", Value: "7"}},
	}
	other := map[string][]Write{}
	for k, ws := range both {
		if k != "lost" {
			other[k] = ws
		}
	}
	tx := map[string]string{"t1": "VALID", "t7": "VALID"}
	got := Check("test", outs, []*View{view(both, tx), view(other, tx)})
	want := Tally{Committed: 3, Failed: 2, Unknown: 2, UnknownValid: 1, UnknownNone: 1, UnknownAbsent: 1, Lost: 1, Twice: 1, FalseFailures: 1}
	if got.Committed != want.Committed || got.Failed != want.Failed || got.Unknown != want.Unknown ||
		got.UnknownValid != want.UnknownValid || got.UnknownNone != want.UnknownNone || got.UnknownAbsent != want.UnknownAbsent ||
		got.Lost != want.Lost || got.Twice != want.Twice || got.FalseFailures != want.FalseFailures || got.UnknownOpen != 0 {
		t.Errorf("tally %+v\nwant  %+v", got, want)
	}
	if got.OK() {
		t.Error("a tally with losses is OK")
	}
}
