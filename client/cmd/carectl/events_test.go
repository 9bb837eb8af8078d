package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carechain/carechain/client"
)

const (
	txA = "aaaa"
	txB = "bbbb"
)

// writeOut writes an NDJSON file as a killed listener left it.
func writeOut(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.ndjson")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func checkpointAt(t *testing.T, block uint64, tx string) *client.FileCheckpoint {
	t.Helper()
	cp, err := client.OpenCheckpoint(filepath.Join(t.TempDir(), "cp"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Close() })
	if err := cp.CheckpointTransaction(block, tx); err != nil {
		t.Fatal(err)
	}
	return cp
}

const (
	lineA = `{"block":5,"txId":"aaaa","chaincode":"baseline","name":"Emit","payload":"k1"}` + "\n"
	lineB = `{"block":6,"txId":"bbbb","chaincode":"baseline","name":"Emit","payload":"k2"}` + "\n"
)

// Killed after writing an event and before saving the checkpoint: the
// file's last event moves the checkpoint on, so it is not written again.
func TestOpenOutSettlesACheckpointLeftBehind(t *testing.T) {
	path := writeOut(t, lineA+lineB)
	sink := &eventSink{cp: checkpointAt(t, 5, txA)}
	if err := sink.openOut(path); err != nil {
		t.Fatal(err)
	}
	defer sink.file.Close()
	if got := sink.cp.Position(); got != (client.Position{Block: 6, TxID: txB}) {
		t.Errorf("checkpoint %+v, want block 6 after %s", got, txB)
	}
}

// Killed in the middle of a line: the piece is dropped, the checkpoint
// (which that event never reached) stays.
func TestOpenOutDropsAPartialLine(t *testing.T) {
	path := writeOut(t, lineA+lineB[:30])
	sink := &eventSink{cp: checkpointAt(t, 5, txA)}
	if err := sink.openOut(path); err != nil {
		t.Fatal(err)
	}
	defer sink.file.Close()
	data, _ := os.ReadFile(path)
	if string(data) != lineA {
		t.Errorf("file %q, want only the whole line", data)
	}
	if got := sink.cp.Position(); got != (client.Position{Block: 5, TxID: txA}) {
		t.Errorf("checkpoint %+v moved", got)
	}
}

// A checkpoint already at the file's last event is left alone, and so is a
// block-start position past it.
func TestOpenOutKeepsACheckpointInStep(t *testing.T) {
	for _, pos := range []client.Position{{Block: 6, TxID: txB}, {Block: 7}} {
		path := writeOut(t, lineA+lineB)
		sink := &eventSink{cp: checkpointAt(t, pos.Block, pos.TxID)}
		if err := sink.openOut(path); err != nil {
			t.Fatal(err)
		}
		sink.file.Close()
		if got := sink.cp.Position(); got != pos {
			t.Errorf("checkpoint %+v, want %+v", got, pos)
		}
	}
}

func TestEventJSONPayloads(t *testing.T) {
	for _, c := range []struct {
		payload []byte
		want    string
	}{
		{[]byte(`{"id":"c-1"}`), `"payload":{"id":"c-1"}`},
		{[]byte("k1"), `"payload":"k1"`},
		{[]byte{0xff, 0x00}, `"payloadBase64":"/wA="`},
	} {
		var b strings.Builder
		sink := &eventSink{w: &b, json: true}
		if err := sink.write(client.Event{Block: 1, TxID: "t", Payload: c.payload}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), c.want) || strings.Count(b.String(), "\n") != 1 {
			t.Errorf("line %q lacks %s", b.String(), c.want)
		}
	}
}
