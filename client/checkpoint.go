package client

import (
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"
)

// Position is where an event listener is: the block in which its next
// event is expected and, within that block, the transaction whose event it
// delivered last ("" for none). It is a fabric-gateway client.Checkpoint.
type Position struct {
	Block uint64 `json:"blockNumber"`
	TxID  string `json:"transactionId"`
}

// BlockNumber is the block in which the next event is expected.
func (p Position) BlockNumber() uint64 { return p.Block }

// TransactionID is the last delivered event's transaction in that block.
func (p Position) TransactionID() string { return p.TxID }

// IsZero reports whether the position is unset.
func (p Position) IsZero() bool { return p.Block == 0 && p.TxID == "" }

// covers reports whether ev was delivered before the position was saved:
// an earlier block, or the position's own transaction.
func (p Position) covers(ev Event) bool {
	return ev.Block < p.Block || (ev.Block == p.Block && ev.TxID == p.TxID)
}

// Checkpointer keeps a listener's position. fabric-gateway's
// *client.FileCheckpointer is one; OpenCheckpoint opens one on a file.
type Checkpointer interface {
	BlockNumber() uint64
	TransactionID() string
	// CheckpointTransaction saves the position after the event of txID in
	// block (txID "" and block+1: after a whole block).
	CheckpointTransaction(block uint64, txID string) error
}

// CheckpointError is a listener's position that could not be read or saved.
type CheckpointError struct {
	Path string // the checkpoint file, if any
	Err  error
}

func (e *CheckpointError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("checkpoint: %v", e.Err)
	}
	return fmt.Sprintf("checkpoint %s: %v", e.Path, e.Err)
}

func (e *CheckpointError) Unwrap() error { return e.Err }

// FileCheckpoint is a listener's position kept in a file, in
// fabric-gateway's FileCheckpointer format
// ({"blockNumber":N,"transactionId":"…"}). Each save is one write of the
// whole position at the start of the file, so a listener killed at any
// moment leaves the old position or the new one. Keep one file per
// listener.
type FileCheckpoint struct {
	*client.FileCheckpointer
	Path string
}

// OpenCheckpoint opens (or creates) the checkpoint file at path.
func OpenCheckpoint(path string) (*FileCheckpoint, error) {
	cp, err := client.NewFileCheckpointer(path)
	if err != nil {
		return nil, &CheckpointError{Path: path, Err: err}
	}
	return &FileCheckpoint{FileCheckpointer: cp, Path: path}, nil
}

// Position is the saved position.
func (c *FileCheckpoint) Position() Position {
	return Position{Block: c.BlockNumber(), TxID: c.TransactionID()}
}

// Close writes the position to stable storage and closes the file.
func (c *FileCheckpoint) Close() error {
	serr := c.Sync()
	if err := c.FileCheckpointer.Close(); err != nil {
		return &CheckpointError{Path: c.Path, Err: err}
	}
	if serr != nil {
		return &CheckpointError{Path: c.Path, Err: serr}
	}
	return nil
}

// memCheckpoint is a position in memory.
type memCheckpoint struct{ Position }

func (m *memCheckpoint) CheckpointTransaction(block uint64, txID string) error {
	m.Position = Position{Block: block, TxID: txID}
	return nil
}

// save saves a position, as a *CheckpointError when it fails.
func save(cp Checkpointer, block uint64, txID string) error {
	if err := cp.CheckpointTransaction(block, txID); err != nil {
		path := ""
		if f, ok := cp.(*FileCheckpoint); ok {
			path = f.Path
		}
		return &CheckpointError{Path: path, Err: err}
	}
	return nil
}
