package consent

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/blind"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	kitpatient "github.com/carechain/carechain/chaincode/kit/patient"
	"github.com/carechain/carechain/chaincode/kit/roles"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// linkTx submits fn (LinkPatient, UnlinkPatient) of in as id, signed by
// id for the link the change produces.
func (e *env) linkTx(id *memstub.Identity, minute int, fn string, in any) memstub.Result {
	l, _ := in.(wire.LinkInput)
	next := wire.Linked(roles.PatientMSP, l)
	if fn == "UnlinkPatient" {
		next = wire.Unlinked(roles.PatientMSP, l)
	}
	return e.Peer.Invoke("consent", id, at(minute), linkTransient(id, next, in), fn)
}

func (e *env) subjectOf(id *memstub.Identity, minute int) memstub.Result {
	return e.Query(id, minute, "PatientSubject")
}

// A patient is whoever the registrar linked, never what a certificate
// says: the old patient_id attribute, in a patients' org certificate the
// CA issued, makes no one a patient.
func TestPatientIsTheLinkNotTheCertificate(t *testing.T) {
	e := newEnv(t)
	var s wire.Subject
	e.Must(e.subjectOf(patient1, 0), &s)
	assert.Equal(t, pt1, s.Subject)

	claims := patientsCA.Issue(enrollment("claims-pt1"), map[string]string{"role": parts.RolePatient, attrPatientID: pt1})
	before := e.Peer.Snapshot()
	e.Refused(before, e.subjectOf(claims, 0), "FORBIDDEN: enrollment PatientsMSP/"+enrollment("claims-pt1")+" is not linked")
	e.Refused(before, e.grantRes(claims, 1, grantInput("c1")), "FORBIDDEN: ")
	e.Refused(before, e.Query(claims, 1, "ListBySubject", pt1, "10", ""), "FORBIDDEN: ")
	// A readable enrollment id (a name in every block) acts for no one.
	named := patientsCA.Issue("alice.smith", map[string]string{"role": parts.RolePatient})
	e.Refused(before, e.subjectOf(named, 0), "FORBIDDEN: only a person of PatientsMSP")
	e.Refused(before, e.linkTx(registrar, 1, "LinkPatient", wire.LinkInput{EnrollmentID: "alice.smith", Subject: pt1}), `INVALID_ARGUMENT: field "enrollmentId"`)
	// Others ask no subject.
	for _, id := range []*memstub.Identity{physician, auditor, registrar, orgAdmin, impostor} {
		e.Refused(before, e.subjectOf(id, 0), "FORBIDDEN: ")
	}
}

func TestLinkPatientInputAndConflicts(t *testing.T) {
	e := newEnv(t)
	fresh := enrollment("fresh")
	before := e.Peer.Snapshot()
	cases := []struct {
		in    any
		field string
	}{
		{nil, "link"},
		{map[string]any{"enrollmentId": fresh, "subject": pt2, "extra": 1}, "link"},
		{wire.LinkInput{Subject: pt2}, "enrollmentId"},
		{wire.LinkInput{EnrollmentID: "P" + fresh[1:], Subject: pt2}, "enrollmentId"},
		{wire.LinkInput{EnrollmentID: fresh}, "subject"},
		{wire.LinkInput{EnrollmentID: fresh, Subject: "pt 2"}, "subject"},
		{wire.LinkInput{EnrollmentID: fresh, Subject: pt2, Compromised: true}, "compromised"},
	}
	for _, c := range cases {
		res := e.Peer.Invoke("consent", registrar, at(1), nil, "LinkPatient")
		if c.in != nil {
			res = e.linkTx(registrar, 1, "LinkPatient", c.in)
		}
		e.Refused(before, res, `INVALID_ARGUMENT: field "`+c.field+`"`)
	}
	// Only the patient registry's registrar links: not a regulator's
	// registrar, nor one the patients' CA did not issue; and the registrar
	// signs the link.
	in := wire.LinkInput{EnrollmentID: fresh, Subject: pt2}
	regRegistrar := memstub.NewIdentity(roles.RegulatorMSP, "registrar1", map[string]string{"role": parts.RoleRegistrar})
	e.Refused(before, e.linkTx(regRegistrar, 1, "LinkPatient", in), "FORBIDDEN: ")
	selfSigned := memstub.NewIdentity(roles.PatientMSP, "registrar1", map[string]string{"role": parts.RoleRegistrar})
	e.Refused(before, e.linkTx(selfSigned, 1, "LinkPatient", in), "FORBIDDEN: the signer's certificate does not chain")
	e.Refused(before, e.Peer.Invoke("consent", registrar, at(1), map[string][]byte{wire.TransientLink: mustJSON(in)}, "LinkPatient"), `INVALID_ARGUMENT: field "signature"`)
	e.Refused(before, e.Peer.Invoke("consent", registrar, at(1), linkTransient(registrar, wire.Linked(roles.PatientMSP, wire.LinkInput{EnrollmentID: fresh, Subject: pt1}), in), "LinkPatient"),
		`INVALID_ARGUMENT: field "signature"`)

	// An enrollment is one subject's for good.
	e.Refused(before, e.linkTx(registrar, 1, "LinkPatient", wire.LinkInput{EnrollmentID: enrollment("patient1"), Subject: pt2}), "CONFLICT: the enrollment is linked to another subject")
	e.Refused(before, e.linkTx(registrar, 1, "LinkPatient", wire.LinkInput{EnrollmentID: enrollment("patient1"), Subject: pt1}), "CONFLICT: ")

	// Several enrollments per subject: a second device of pt1's.
	second := patient("patient1-tablet")
	var r wire.Receipt
	e.Must(e.linkAt(second, pt1, at(2)), &r)
	assert.Equal(t, wire.Receipt{ID: r.TxID, Status: wire.LinkLinked, TxID: r.TxID}, r, "the receipt, in the block, names nothing")
	var s wire.Subject
	e.Must(e.subjectOf(second, 3), &s)
	assert.Equal(t, pt1, s.Subject)
	e.grant(second, 3, grantInput("from-tablet"))
}

// Unlinking: the key acts for no one from then on; what it signed while
// linked stays honoured unless the registrar says it was compromised.
func TestUnlinkPatient(t *testing.T) {
	for _, compromised := range []bool{false, true} {
		e := newEnv(t)
		e.grant(patient1, 1, grantInput("c1"))
		before := e.Peer.Snapshot()
		e.Refused(before, e.linkTx(registrar, 2, "UnlinkPatient", wire.LinkInput{EnrollmentID: enrollment("nobody"), Subject: pt1}), "NOT_FOUND: ")
		e.Refused(before, e.linkTx(registrar, 2, "UnlinkPatient", wire.LinkInput{EnrollmentID: enrollment("patient1"), Subject: pt2}), "NOT_FOUND: ")
		e.Refused(before, e.linkTx(registrar, 2, "UnlinkPatient", wire.LinkInput{EnrollmentID: enrollment("patient1")}), `INVALID_ARGUMENT: field "subject"`)
		e.Refused(before, e.linkTx(physician, 2, "UnlinkPatient", wire.LinkInput{EnrollmentID: enrollment("patient1"), Subject: pt1}), "FORBIDDEN: ")
		unlink := wire.LinkInput{EnrollmentID: enrollment("patient1"), Subject: pt1, Compromised: compromised}
		e.Refused(before, e.linkTx(registrar, -2, "UnlinkPatient", unlink), "FAILED_PRECONDITION: transaction time") // before the link
		e.Must(e.linkTx(registrar, 2, "UnlinkPatient", unlink), nil)

		before = e.Peer.Snapshot()
		e.Refused(before, e.subjectOf(patient1, 3), "FORBIDDEN: enrollment PatientsMSP/"+enrollment("patient1")+" is not linked")
		e.Refused(before, e.grantRes(patient1, 3, grantInput("c2")), "FORBIDDEN: ")
		e.Refused(before, e.Query(patient1, 3, "ListBySubject", pt1, "10", ""), "FORBIDDEN: ")
		e.Refused(before, e.linkTx(registrar, 3, "UnlinkPatient", unlink), "FAILED_PRECONDITION: ")
		e.Refused(before, e.linkAt(patient1, pt1, at(3)), "CONFLICT: the enrollment was unlinked")
		want := wire.Permit
		if compromised {
			want = wire.Deny
		}
		assert.Equal(t, want, e.check(physician, 3, request(pt1, "labs", wire.Actor{})).Decision, "compromised %v", compromised)

		// The patient's new enrollment manages the patient's consents.
		renewed := e.patient("patient1-renewed", pt1)
		assert.Equal(t, wire.StatusInactive, func() string {
			var r wire.Receipt
			e.Must(e.revoke(renewed, 4, "c1"), &r)
			return r.Status
		}())
	}
}

// Signatures count only for the time the signer's enrollment was linked:
// a consent stamped before its signer's link is not the patient's.
func TestAttackSignatureBeforeTheLinkIsNotThePatients(t *testing.T) {
	e := newEnv(t)
	late := patient("late")
	e.Must(e.linkAt(late, pt1, at(5)), nil)
	c := psychiatryForPayer("backdated") // stamped at minute 0
	signWith(&c, late, wire.ConsentStatement("care", c))
	e.forgeConsent(c)
	assert.Equal(t, wire.Deny, payerAsks(e, 6))
	c.Created, c.Updated = at(5).Format(time.RFC3339Nano), at(5).Format(time.RFC3339Nano)
	e.forgeConsent(c)
	assert.Equal(t, wire.Permit, payerAsks(e, 6), "the same signature, stamped while linked, counts: the test changes only the time")
}

// Attack: two colluding orgs write a link past the contract, tying an
// enrollment they control (a real patient of the patients' org, unlinked)
// to another patient's subject. A link counts only with the registrar's
// signature of it.
func TestAttackForgedLinkMakesNoOneAPatient(t *testing.T) {
	mallory := patient("mallory")
	forged := patientLink{EnrollmentID: enrollment("mallory"), Subject: pt1, Status: wire.LinkLinked,
		Linked: at(0).Format(time.RFC3339Nano), Updated: at(0).Format(time.RFC3339Nano)}
	sign := func(l patientLink, by *memstub.Identity, r wire.LinkRecord) patientLink {
		l.Signature, l.Signer = base64.StdEncoding.EncodeToString(by.Sign(wire.LinkStatement("care", r))), string(by.CertPEM)
		return l
	}
	genuine := sign(forged, registrar, forged.record(roles.PatientMSP))
	cases := map[string]patientLink{
		"no signature":               forged,
		"signed by mallory":          sign(forged, mallory, forged.record(roles.PatientMSP)),
		"the registrar's of another": sign(forged, registrar, wire.Linked(roles.PatientMSP, wire.LinkInput{EnrollmentID: enrollment("patient2"), Subject: pt2})),
		"signed for another subject": sign(forged, registrar, wire.Linked(roles.PatientMSP, wire.LinkInput{EnrollmentID: enrollment("mallory"), Subject: pt2})),
		"signed by a self-made registrar": sign(forged, memstub.NewIdentity(roles.PatientMSP, "registrar1", map[string]string{"role": parts.RoleRegistrar}),
			forged.record(roles.PatientMSP)),
	}
	for name, l := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.forgeLink(l)
			before := e.Peer.Snapshot()
			e.Refused(before, e.subjectOf(mallory, 1), "FORBIDDEN: ")
			e.Refused(before, e.grantRes(mallory, 1, grantInput("by-mallory")), "FORBIDDEN: ")
			c := psychiatryForPayer("by-mallory")
			signWith(&c, mallory, wire.ConsentStatement("care", c))
			e.forgeConsent(c)
			assert.Equal(t, wire.Deny, payerAsks(e, 2))
		})
	}
	// The same link, signed by the registrar, makes mallory pt1: the test
	// forges only the signature.
	e := newEnv(t)
	e.forgeLink(genuine)
	var s wire.Subject
	e.Must(e.subjectOf(mallory, 1), &s)
	assert.Equal(t, pt1, s.Subject)
}

func (e *env) forgeLink(l patientLink) {
	e.T.Helper()
	key, _ := e.keyOf(func(t *tx) (string, error) { return t.blindKey(objPatientLink, roles.PatientMSP, l.EnrollmentID) })
	e.forge(private(key, l))
}

// asker stands for records: it asks kit/patient who the caller is, inside
// its own transaction, and answers the subject.
var asker = memstub.ChaincodeFunc(func(stub shim.ChaincodeStubInterface) *pb.Response {
	c, err := caller.From(stub)
	if err != nil {
		return shim.Error(err.Error())
	}
	s, err := kitpatient.Subject(stub, c)
	if err != nil {
		return shim.Error(err.Error())
	}
	is, err := kitpatient.Is(stub, c, pt1)
	if err != nil {
		return shim.Error(err.Error())
	}
	data, _ := json.Marshal(map[string]any{"subject": s, "isPt1": is})
	return shim.Success(data)
})

func TestKitPatientAsksConsent(t *testing.T) {
	e := newEnv(t)
	e.Peer.Install("records", asker)
	var got struct {
		Subject string
		IsPt1   bool
	}
	e.Must(e.Peer.Query("records", patient1, at(1), "Who"), &got)
	assert.Equal(t, pt1, got.Subject)
	assert.True(t, got.IsPt1)
	e.Must(e.Peer.Query("records", patient2, at(1), "Who"), &got)
	assert.Equal(t, pt2, got.Subject)
	assert.False(t, got.IsPt1)
	for _, id := range []*memstub.Identity{physician, impostor, patient("unlinked")} {
		res := e.Peer.Query("records", id, at(1), "Who")
		assert.Contains(t, res.Message, "FORBIDDEN: ", keyOf(id))
	}
}

// Only an admin of a member org of the collection sets its secret, once;
// before that, nothing is written and nothing is read.
func TestSetupBlinding(t *testing.T) {
	everyone := mintAll()
	admins := []string{"admin@ProviderMSP", "admin@PayerMSP", "admin@" + roles.RegulatorMSP}
	e := bareEnv(t, &Contract{}, genesis())
	before := e.Peer.Snapshot()
	for _, m := range everyone {
		if !slices.Contains(admins, m.name()) {
			e.Refused(before, e.setupBlinding(m.id, at(0)), "FORBIDDEN: ")
		}
	}
	var ready bool
	e.Must(e.Query(physician, 0, "BlindingReady", Collection), &ready)
	assert.False(t, ready)
	e.Refused(before, e.Query(patient1, 0, "BlindingReady", Collection), "FORBIDDEN: ")
	e.Refused(before, e.Query(physician, 0, "BlindingReady", "other"), `INVALID_ARGUMENT: field "collection"`)
	e.Refused(before, e.grantRes(patient1, 0, grantInput("c1")), "FAILED_PRECONDITION: ")
	e.Refused(before, e.breakGlass(physician, 0, breakGlassInput(10)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Query(physician, 0, "Check", request(pt1, "labs", wire.Actor{})), "FAILED_PRECONDITION: ")
	e.Refused(before, e.linkAt(patient1, pt1, at(0)), "FAILED_PRECONDITION: ")
	e.Refused(before, e.Peer.Invoke("consent", orgAdmin, at(0), map[string][]byte{blind.TransientSecret: make([]byte, 32)}, "SetupBlinding", "other"),
		`INVALID_ARGUMENT: field "collection"`)
	e.Refused(before, e.Peer.Invoke("consent", orgAdmin, at(0), map[string][]byte{blind.TransientSecret: make([]byte, 31)}, "SetupBlinding", Collection),
		`INVALID_ARGUMENT: field "blinding-secret"`)

	for _, m := range everyone {
		if slices.Contains(admins, m.name()) {
			fresh := bareEnv(t, &Contract{}, genesis())
			fresh.Must(fresh.setupBlinding(m.id, at(0)), nil)
			fresh.Must(fresh.Query(m.id, 0, "BlindingReady", Collection), &ready)
			assert.True(t, ready, m.name())
			before := fresh.Peer.Snapshot()
			fresh.Refused(before, fresh.setupBlinding(m.id, at(1)), "CONFLICT: ")
		}
	}
}

var memberPattern = regexp.MustCompile(`'([A-Za-z0-9.-]+)\.member'`)

// The members SetupBlinding and BlindingReady accept are the collection's.
func TestCollectionMembersAreCollectionsJSONs(t *testing.T) {
	data, err := os.ReadFile("collections.json")
	require.NoError(t, err)
	var defs []struct{ Name, Policy string }
	require.NoError(t, json.Unmarshal(data, &defs))
	require.Len(t, defs, 1)
	assert.Equal(t, Collection, defs[0].Name)
	var members []string
	for _, m := range memberPattern.FindAllStringSubmatch(defs[0].Policy, -1) {
		members = append(members, m[1])
	}
	assert.ElementsMatch(t, CollectionMembers, members)
}
