package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/carechain/carechain/client"
)

// eventsFlags are the events command's options.
type eventsFlags struct {
	from       uint64
	count      int
	timeout    time.Duration
	checkpoint string
	outFile    string
}

func (a *app) eventsCommand() *cobra.Command {
	var f eventsFlags
	cmd := &cobra.Command{
		Use:   "events CHAINCODE",
		Short: "print the chaincode's events as they commit; resume after a restart with --checkpoint",
		Long: `Prints the chaincode's events in ledger order, one line each (NDJSON with -o json),
reconnecting when the gateway peer restarts or the link fails, without a gap or a repeat.

With --checkpoint FILE the position is saved after every event and a later run resumes
after the last event delivered (--from-block then only applies to a new checkpoint).
With --out FILE events are appended to FILE as NDJSON instead of printed; with both, each
event is in FILE exactly once even when carectl is killed: at start the file's last event
settles a checkpoint that a kill left one event behind.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.events(cmd, args[0], f)
		},
	}
	cmd.Flags().Uint64Var(&f.from, "from-block", 0, "start at this block (a new or no checkpoint; default: the next block)")
	cmd.Flags().IntVar(&f.count, "count", 0, "stop after this many events (0: run until interrupted)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 0, "stop after this long (0: no limit)")
	cmd.Flags().StringVar(&f.checkpoint, "checkpoint", "", "keep this listener's position in FILE and resume from it")
	cmd.Flags().StringVar(&f.outFile, "out", "", "append events to FILE as NDJSON (exactly once with --checkpoint)")
	return cmd
}

func (a *app) events(cmd *cobra.Command, chaincode string, f eventsFlags) error {
	s, err := a.session()
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := cmd.Context()
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	sink, err := a.eventSink(f)
	if err != nil {
		return err
	}
	defer sink.close()
	opts := client.ListenOptions{OnReconnect: func(attempt int, from client.Position) {
		fmt.Fprintf(a.errOut, "carectl: event stream ended; reopening at block %d (attempt %d)\n", from.Block, attempt)
	}}
	if sink.cp != nil {
		opts.Checkpoint = sink.cp
	}
	if cmd.Flags().Changed("from-block") {
		opts.StartBlock = &f.from
	}
	n := 0
	return s.Listen(ctx, a.channel, chaincode, opts, func(ev client.Event) error {
		if err := sink.write(ev); err != nil {
			return err
		}
		if n++; f.count > 0 && n >= f.count {
			return client.ErrStopListening
		}
		return nil
	})
}

// eventSink is where events go (stdout or --out) and the checkpoint.
type eventSink struct {
	w    io.Writer
	file *os.File
	json bool
	cp   *client.FileCheckpoint
}

func (a *app) eventSink(f eventsFlags) (*eventSink, error) {
	sink := &eventSink{w: a.out, json: a.output == "json"}
	if f.checkpoint != "" {
		cp, err := client.OpenCheckpoint(f.checkpoint)
		if err != nil {
			return nil, err
		}
		sink.cp = cp
	}
	if f.outFile != "" {
		if err := sink.openOut(f.outFile); err != nil {
			sink.close()
			return nil, err
		}
	}
	return sink, nil
}

// openOut opens the NDJSON file for appending, after dropping a line a
// kill cut short and settling the checkpoint with the file's last event.
func (s *eventSink) openOut(path string) error {
	last, err := trimPartialLine(path)
	if err != nil {
		return err
	}
	if s.cp != nil && last != nil {
		pos := s.cp.Position()
		// The file is written before the checkpoint: its last event is at
		// the checkpoint's position or the one after it.
		if last.Block > pos.Block || (last.Block == pos.Block && last.TxID != pos.TxID) {
			if err := s.cp.CheckpointTransaction(last.Block, last.TxID); err != nil {
				return &client.CheckpointError{Path: s.cp.Path, Err: err}
			}
		}
	}
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	s.file, s.w, s.json = file, file, true
	return nil
}

func (s *eventSink) close() {
	if s.file != nil {
		_ = s.file.Sync()
		_ = s.file.Close()
	}
	if s.cp != nil {
		_ = s.cp.Close()
	}
}

// write puts one event on one line, in a single write.
func (s *eventSink) write(ev client.Event) error {
	var line []byte
	if s.json {
		data, err := json.Marshal(eventJSON(ev))
		if err != nil {
			return err
		}
		line = append(data, '\n')
	} else {
		line = fmt.Appendf(nil, "block %d tx %s %s %s\n", ev.Block, ev.TxID, ev.Name, string(ev.Payload))
	}
	_, err := s.w.Write(line)
	return err
}

// eventOutput is an event as JSON: the payload as JSON when it is JSON, as
// a string when it is text, else base64 in payloadBase64.
type eventOutput struct {
	Block         uint64          `json:"block"`
	TxID          string          `json:"txId"`
	Chaincode     string          `json:"chaincode"`
	Name          string          `json:"name"`
	Payload       json.RawMessage `json:"payload,omitempty"`
	PayloadBase64 []byte          `json:"payloadBase64,omitempty"`
}

func eventJSON(ev client.Event) eventOutput {
	out := eventOutput{Block: ev.Block, TxID: ev.TxID, Chaincode: ev.Chaincode, Name: ev.Name}
	if len(ev.Payload) == 0 || json.Valid(ev.Payload) || utf8.Valid(ev.Payload) {
		out.Payload = resultJSON(ev.Payload)
	} else {
		out.PayloadBase64 = ev.Payload
	}
	return out
}

// trimPartialLine cuts a trailing line without its newline (a write a kill
// interrupted) off an NDJSON file, and returns the last whole event.
func trimPartialLine(path string) (*eventOutput, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if end := bytes.LastIndexByte(data, '\n') + 1; end < len(data) {
		if err := os.Truncate(path, int64(end)); err != nil {
			return nil, err
		}
		data = data[:end]
	}
	var last *eventOutput
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		var ev eventOutput
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return nil, fmt.Errorf("%s: not an event line: %w", path, err)
		}
		last = &ev
	}
	return last, sc.Err()
}
