// Package records is the typed client of the records chaincode. Put
// encrypts a document with a fresh key, stores the ciphertext off chain,
// wraps the key to the custodian org's key-encryption key and anchors it;
// Get asks for access (consent-checked and logged on chain), receives the
// key wrapped to a one-time key from the custodian's peer, fetches the
// ciphertext and decrypts it, verifying every hash on the way.
package records

import (
	"context"
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/carechain/carechain/chaincode/kit/keywrap"
	rc "github.com/carechain/carechain/chaincode/records/wire"
	"github.com/carechain/carechain/client"
	"github.com/carechain/carechain/client/docstore"
)

// Chaincode is the records chaincode's name in the topology.
const Chaincode = rc.Chaincode

// Client calls the records chaincode as one session, with an off-chain store.
type Client struct {
	c     client.Contract
	store docstore.Store
}

// New returns a records client on a channel (care) with a document store.
func New(s *client.Session, channel string, store docstore.Store) *Client {
	return &Client{c: client.Contract{Session: s, Channel: channel, Chaincode: Chaincode}, store: store}
}

// RegisterCustodianKey publishes the caller's org key-encryption public key
// (uncompressed P-256); the caller must be the admin of an org playing the
// provider part.
func (k *Client) RegisterCustodianKey(ctx context.Context, public []byte) (*rc.Receipt, error) {
	var r rc.Receipt
	_, err := k.c.Submit(ctx, rc.FnRegisterCustodianKey, client.Input{Args: []string{base64.StdEncoding.EncodeToString(public)}}, &r)
	return &r, err
}

// Document describes a document to anchor.
type Document struct {
	ID          string
	Subject     string // the patient's pseudonym
	Type        string // FHIR resource type
	Category    string // record category, the data class consent is asked about
	ContentType string
	Content     io.Reader
	Progress    docstore.Progress
}

// Put encrypts, stores and anchors a new record.
func (k *Client) Put(ctx context.Context, d Document) (*rc.Receipt, error) {
	return k.anchor(ctx, rc.FnAnchor, d, 1, nil)
}

// Amend anchors a new version of a record.
func (k *Client) Amend(ctx context.Context, d Document) (*rc.Receipt, error) {
	h, err := k.Head(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return k.anchor(ctx, rc.FnAmend, d, h.Version+1, []string{d.ID})
}

func (k *Client) anchor(ctx context.Context, fn string, d Document, version int, args []string) (*rc.Receipt, error) {
	kek, err := k.custodianKEK(ctx)
	if err != nil {
		return nil, err
	}
	sealed, err := k.sealAndStore(ctx, d)
	if err != nil {
		return nil, err
	}
	defer clear(sealed.Key)
	eph, err := keywrap.NewEphemeral()
	if err != nil {
		return nil, err
	}
	wrapped, err := keywrap.Wrap(kek, eph, sealed.Key, rc.WrapAAD(d.ID, version))
	if err != nil {
		return nil, err
	}
	plainSum, err := hex.DecodeString(sealed.PlainSHA256)
	if err != nil {
		return nil, err
	}
	// The chain gets a commitment to the plaintext, never its hash: a short
	// document is guessable. Its salt comes from the document key.
	in := rc.AnchorInput{ID: d.ID, Subject: d.Subject, Type: d.Type, Category: d.Category, ContentType: d.ContentType,
		Size: sealed.Size, PlainCommitment: rc.PlaintextCommitment(rc.PlaintextSalt(sealed.Key), plainSum), CipherSHA256: sealed.CipherSHA256,
		Location: k.store.Location(sealed.CipherSHA256), WrappedKey: base64.StdEncoding.EncodeToString(wrapped)}
	var r rc.Receipt
	if _, err := k.c.Submit(ctx, fn, client.Input{Args: args, TransientKey: rc.TransientAnchor, Transient: in}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// custodianKEK is the session's org's registered key-encryption key.
func (k *Client) custodianKEK(ctx context.Context) (*ecdh.PublicKey, error) {
	var ck rc.CustodianKey
	org := k.c.Session.Org.MSPID
	if err := k.c.Evaluate(ctx, rc.FnGetCustodianKey, client.Input{Args: []string{org}}, &ck); err != nil {
		return nil, err
	}
	kekRaw, err := base64.StdEncoding.DecodeString(ck.PublicKey)
	if err != nil {
		return nil, err
	}
	return keywrap.ParsePublic(kekRaw)
}

// sealAndStore encrypts the document with a fresh key through a temporary
// file into the store; the caller clears the returned key.
func (k *Client) sealAndStore(ctx context.Context, d Document) (*docstore.Sealed, error) {
	tmp, err := os.CreateTemp("", "carechain-seal-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	sealed, err := docstore.Encrypt(tmp, d.Content, d.Progress)
	if err != nil {
		return nil, err
	}
	_, err = tmp.Seek(0, io.SeekStart)
	if err == nil {
		err = k.store.Put(ctx, sealed.CipherSHA256, tmp)
	}
	if err != nil {
		clear(sealed.Key)
		return nil, err
	}
	return sealed, nil
}

// Head reads a record's public trace.
func (k *Client) Head(ctx context.Context, id string) (*rc.Head, error) {
	var h rc.Head
	return &h, k.c.Evaluate(ctx, rc.FnGetHead, client.Input{Args: []string{id}}, &h)
}

// Retrieved is what Get released and verified.
type Retrieved struct {
	Release  rc.Release `json:"release"`
	AccessID string     `json:"accessId"`
	TxID     string     `json:"txId"`
	// Salt is the plaintext commitment's salt (from the document key): hand
	// it on with the document to whoever should Verify their copy.
	Salt string `json:"salt"`
}

// Get requests access to a record version (0: current) for a purpose,
// receives its key from the custodian's peer, and writes the verified
// plaintext to w. Nothing is written to w unless every check passes.
func (k *Client) Get(ctx context.Context, id string, version int, purpose string, w io.Writer, progress docstore.Progress) (*Retrieved, error) {
	rel, r, key, err := k.release(ctx, id, version, purpose)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	cipherFile, err := docstore.Fetch(ctx, k.store, rel.CipherSHA256)
	if err != nil {
		return nil, err
	}
	defer os.Remove(cipherFile.Name())
	defer cipherFile.Close()
	plain, err := os.CreateTemp("", "carechain-plain-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(plain.Name())
	defer plain.Close()
	salt, err := decryptChecked(plain, cipherFile, key, rel, progress)
	if err != nil {
		return nil, err
	}
	if _, err := plain.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if _, err := io.Copy(w, plain); err != nil {
		return nil, err
	}
	return &Retrieved{Release: rel, AccessID: r.AccessID, TxID: r.TxID, Salt: salt}, nil
}

// release requests access (submitted, logged) and has the custodian's peer
// release the document key to a one-time key; it returns the key.
func (k *Client) release(ctx context.Context, id string, version int, purpose string) (rc.Release, rc.Receipt, []byte, error) {
	var rel rc.Release
	var r rc.Receipt
	h, err := k.Head(ctx, id)
	if err != nil {
		return rel, r, nil, err
	}
	if _, err := k.c.Submit(ctx, rc.FnRequestAccess, client.Input{Args: []string{id, fmt.Sprint(version), purpose}}, &r); err != nil {
		return rel, r, nil, err
	}
	oneTime, err := keywrap.NewEphemeral()
	if err != nil {
		return rel, r, nil, err
	}
	// Evaluated on the custodian's peer, the only one holding its KEK; it
	// checks the request is this caller's, of this record, for this purpose.
	in := client.Input{Args: []string{r.AccessID, id, purpose, base64.StdEncoding.EncodeToString(oneTime.PublicKey().Bytes())},
		Endorsers: []string{h.Custodian}}
	if err := k.c.Evaluate(ctx, rc.FnReleaseKey, in, &rel); err != nil {
		return rel, r, nil, err
	}
	wrapped, err := base64.StdEncoding.DecodeString(rel.WrappedKey)
	if err != nil {
		return rel, r, nil, err
	}
	key, err := keywrap.Unwrap(oneTime, wrapped, rc.WrapAAD(rel.Record, rel.Version))
	if err != nil {
		return rel, r, nil, fmt.Errorf("released key: %w", err)
	}
	return rel, r, key, nil
}

// decryptChecked decrypts into w (every chunk authenticated) and checks the
// plaintext against the anchor's commitment; it returns the salt.
func decryptChecked(w io.Writer, cipherFile io.Reader, key []byte, rel rc.Release, progress docstore.Progress) (string, error) {
	h := sha256.New()
	if err := docstore.Decrypt(io.MultiWriter(w, h), cipherFile, key, "", progress); err != nil {
		return "", err
	}
	salt := rc.PlaintextSalt(key)
	if rc.PlaintextCommitment(salt, h.Sum(nil)) != rel.PlainCommitment {
		return "", fmt.Errorf("%w: plaintext differs from the anchor's commitment", docstore.ErrTampered)
	}
	return salt, nil
}

// Verify asks whether content is the record version's (0: current). With
// the salt a key holder handed on (Retrieved.Salt) content is a plaintext,
// checked against the anchor's commitment; without it, only a ciphertext
// can match (the bare hash of a plaintext never does: Verify is no oracle
// for guessed contents). It returns the value asked about.
func (k *Client) Verify(ctx context.Context, id string, version int, content io.Reader, salt string) (*rc.Verification, string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, content); err != nil {
		return nil, "", err
	}
	value := hex.EncodeToString(h.Sum(nil))
	if salt != "" {
		value = rc.PlaintextCommitment(salt, h.Sum(nil))
	}
	var v rc.Verification
	return &v, value, k.c.Evaluate(ctx, rc.FnVerify, client.Input{Args: []string{id, fmt.Sprint(version), value}}, &v)
}

// History is a record's versions, newest first, with the verification of
// their chain.
type History struct {
	Versions []rc.VersionEntry `json:"versions"`
	// Verified says every version's anchor matches its public commitment
	// and links to the previous version's.
	Verified bool   `json:"verified"`
	Problem  string `json:"problem,omitempty"`
}

// History reads every version of a record, page by page, and verifies
// their chain.
func (k *Client) History(ctx context.Context, id string) (*History, error) {
	var versions []rc.VersionEntry
	bookmark := ""
	for {
		var page rc.HistoryPage
		if err := k.c.Evaluate(ctx, rc.FnHistory, client.Input{Args: client.Page{Size: 100, Bookmark: bookmark}.Args(id)}, &page); err != nil {
			return nil, err
		}
		versions = append(versions, page.Items...)
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
	}
	return verifyHistory(versions)
}

func verifyHistory(versions []rc.VersionEntry) (*History, error) {
	h := &History{Versions: versions, Verified: true}
	for i, v := range versions {
		c, err := rc.AnchorCommitment(&v.Anchor)
		if err != nil {
			return nil, err
		}
		if c != v.AnchorHash {
			h.Verified, h.Problem = false, fmt.Sprintf("version %d does not match its public anchor commitment", v.Anchor.Version)
			break
		}
		if i+1 < len(versions) && v.Anchor.PreviousAnchorHash != versions[i+1].AnchorHash {
			h.Verified, h.Problem = false, fmt.Sprintf("version %d does not link to version %d", v.Anchor.Version, versions[i+1].Anchor.Version)
			break
		}
	}
	return h, nil
}

// Orders of the lists: rc.Newest (the default when empty) or rc.Oldest.

// AccessLog lists the disclosures of a patient's records, for the patient
// (subject empty: the calling patient's own) and the regulator's auditor.
func (k *Client) AccessLog(ctx context.Context, subject, order string, p client.Page) (*rc.AccessPage, error) {
	var out rc.AccessPage
	return &out, k.c.Evaluate(ctx, rc.FnListAccessLog, client.Input{Args: p.Args(subject, order)}, &out)
}

// AccessLogByCustodian lists the disclosures of an org's records, for its
// privacy officer and the regulator's auditor.
func (k *Client) AccessLogByCustodian(ctx context.Context, msp, order string, p client.Page) (*rc.AccessPage, error) {
	var out rc.AccessPage
	return &out, k.c.Evaluate(ctx, rc.FnListAccessLogByCustodian, client.Input{Args: p.Args(msp, order)}, &out)
}

// ListBySubject lists a patient's records (each one's current anchor), for
// the patient (subject empty: the calling patient's own) and the
// regulator's auditor.
func (k *Client) ListBySubject(ctx context.Context, subject, order string, p client.Page) (*rc.RecordPage, error) {
	var out rc.RecordPage
	return &out, k.c.Evaluate(ctx, rc.FnListBySubject, client.Input{Args: p.Args(subject, order)}, &out)
}

// Erase crypto-shreds a record.
func (k *Client) Erase(ctx context.Context, id string) (*rc.Receipt, error) {
	var r rc.Receipt
	_, err := k.c.Submit(ctx, rc.FnErase, client.Input{Args: []string{id}}, &r)
	return &r, err
}

// MarkEnteredInError withdraws a record's current version.
func (k *Client) MarkEnteredInError(ctx context.Context, id string) (*rc.Receipt, error) {
	var r rc.Receipt
	_, err := k.c.Submit(ctx, rc.FnMarkEnteredInError, client.Input{Args: []string{id}}, &r)
	return &r, err
}
