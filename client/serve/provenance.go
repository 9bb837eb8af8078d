package serve

import (
	"context"

	pv "github.com/carechain/carechain/chaincode/provenance/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/provenance"
	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
)

// Provenance is what the server asks of the provenance chaincode, as
// *provenance.Client answers it.
type Provenance interface {
	// PlanEPCIS parses a document and plans its events for the session's org.
	PlanEPCIS(ctx context.Context, data []byte) (*epcis.Document, *epcismap.Plan, error)
	// ApplyEvent makes an applied event's calls; it returns the calls made.
	ApplyEvent(ctx context.Context, ep epcismap.EventPlan, dscsa any) (int, error)
	// ExportDocument is an item's trace as EPCIS 2.0 events.
	ExportDocument(ctx context.Context, id string) (*epcis.Document, error)
	// CaptureEvents anchors events that change no custody (Capture).
	CaptureEvents(ctx context.Context, events []*epcis.Event, anchors []epcismap.Anchor) ([]provenance.Anchored, error)
	// ListCaptured reads a page of the events captured about an object.
	ListCaptured(ctx context.Context, object string, p client.Page) (*pv.CapturedPage, error)
	// Verify checks a DSCSA product identifier (and records the request).
	Verify(ctx context.Context, gtin, serial, lot, expiry string) (*pv.Verification, error)
}

// Validator checks a document against a JSON schema (*epcis.Validator).
type Validator interface {
	Validate(doc []byte) error
}
