package x12

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/refusal"
	"github.com/stretchr/testify/require"
)

const sampleFile = "../../../test/testdata/x12/837P-005010X222A1-examples-1-2-3-combined.txt"

var (
	at2007    = time.Date(2007, 1, 2, 0, 0, 0, 0, time.UTC)
	directory = []Option{SubmittedAt(at2007),
		WithMembers(func(payer, member string) (string, bool) { return "subject-" + member, true }),
		WithPayers(func(payer string) (string, bool) { return "Payer" + payer + "MSP", true })}
)

// The published sample: the TR3's examples 1 (commercial), 3 (COB) and 2
// (encounter) in one interchange, two transaction sets, three claims.
func TestPublishedSampleMapsToThreeClaims(t *testing.T) {
	data, err := os.ReadFile(sampleFile)
	require.NoError(t, err)
	b, err := Read837(data, directory...)
	require.NoError(t, err)
	require.Len(t, b.Claims, 3)
	want := map[string][]string{
		"26463774": {"2000C PAT", "2010AA NM109", "2300 HI01-2", "2300 HI02-2"},
		"26407789": {"2300 CLM10", "2310C NM1*77", "2000B SBR08", "2310B NM109", "2320[1] SBR02", "2330B[1] NM109", "2300 HI04-2"},
		"26462967": {"2300 DTP*431", "2310C NM1*77", "header BHT06", "2300 HI01-2"},
	}
	for _, c := range b.Claims {
		require.False(t, c.Accepted(), c.ID)
		paths := pathsOf(c.Err)
		for _, p := range want[c.ID] {
			require.Contains(t, paths, p, "claim %s", c.ID)
		}
		require.NotEmpty(t, c.SetAside, "names and addresses are read and set aside, and say so")
		for _, p := range paths {
			require.NotContains(t, p, "SV107", "claim %s: diagnosis pointers are kept", c.ID)
		}
		t.Logf("claim %s (set %s): refused by %d elements: %s", c.ID, c.Set, len(paths), strings.Join(paths, ", "))
	}
	t.Logf("837P sample: %d claims, 0 accepted, 3 refused by element", len(b.Claims))
}

func pathsOf(err error) []string {
	var out []string
	for _, is := range refusal.Issues(err) {
		out = append(out, is.Path)
	}
	return out
}

func TestAckRejectsSetsWhoseClaimsAreAllRefused(t *testing.T) {
	data, err := os.ReadFile(sampleFile)
	require.NoError(t, err)
	b, err := Read837(data, directory...)
	require.NoError(t, err)
	ack, err := b.Ack999(42, at2007)
	require.NoError(t, err)
	ic, err := ParseInterchange(ack)
	require.NoError(t, err)
	set := ic.Groups[0].Sets[0]
	require.Empty(t, set.Errors, "our 999's own envelope is right")
	require.Equal(t, "999", set.ST.Element(1))
	var ik5 []string
	var sawCLM05, sawHI bool
	for _, s := range set.Body {
		switch {
		case s.ID == "IK5":
			ik5 = append(ik5, s.Element(1))
		case s.ID == "IK4" && s.Element(1) == "1:2":
			sawHI = true
		case s.ID == "IK3" && s.Element(1) == "BHT":
			sawCLM05 = true
		}
	}
	require.Equal(t, []string{"R", "R"}, ik5)
	require.True(t, sawHI && sawCLM05)
	last := set.Body[len(set.Body)-1]
	require.Equal(t, []string{"R", "2", "2", "0"}, last.Elements)
	require.Equal(t, "000000042", ic.ISA.Element(13))
	require.Equal(t, "RECEIVERS.ID   ", ic.ISA.Element(6), "the receiver answers")
}

// derived is written here (not published): TR3 example 1 with the
// subscriber as patient, ICD-10-CM codes and check-digit-valid NPIs, so
// that everything maps, the lines' diagnosis pointers too.
const derived = `ISA*00*          *00*          *ZZ*SUBMITTERS.ID  *ZZ*RECEIVERS.ID   *070102*1253*^*00501*000000905*1*T*:~
GS*HC*SENDER CODE*RECEIVER CODE*20070102*0802*1*X*005010X222A1~
ST*837*0021*005010X222A1~
BHT*0019*00*244579*20070102*1023*CH~
NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23~
PER*IC*JERRY*TE*3055552222*EX*231~
NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT~
HL*1**20*1~
PRV*BI*PXC*203BF0100Y~
NM1*85*2*BEN KILDARE SERVICE*****XX*1234567893~
N3*234 SEAWAY ST~
N4*MIAMI*FL*33111~
REF*EI*587654321~
HL*2*1*22*0~
SBR*P*18*2222-SJ******CI~
NM1*IL*1*SMITH*JANE****MI*JS00111223333~
DMG*D8*19430501*F~
NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666~
CLM*26463774*100***11:B:1*Y*A*Y*I~
HI*ABK:J020*ABF:Z0000~
LX*1~
SV1*HC:99213:25*40*UN*1***1~
DTP*472*D8*20061003~
LX*2~
SV1*HC:87070*15*UN*1***1~
DTP*472*D8*20061003~
LX*3~
SV1*HC:99214*35*UN*1***2~
DTP*472*D8*20061010~
LX*4~
SV1*HC:86663*10*UN*1***2~
DTP*472*D8*20061010~
SE*31*0021~
GE*1*1~
IEA*1*000000905~
`

func TestDerivedClaimKeepsItsDiagnosisPointers(t *testing.T) {
	b, err := Read837([]byte(derived), directory...)
	require.NoError(t, err)
	require.Len(t, b.Claims, 1)
	require.NoError(t, b.Claims[0].Err)
	var pointers [][]int
	for _, it := range b.Claims[0].Input.Items {
		pointers = append(pointers, it.DiagnosisPointers)
	}
	require.Equal(t, [][]int{{1}, {1}, {2}, {2}}, pointers, "SV107: lines 1-2 for J02.0, 3-4 for Z00.00")
	bad := strings.Replace(derived, "SV1*HC:99214*35*UN*1***2~", "SV1*HC:99214*35*UN*1***3~", 1)
	b, err = Read837([]byte(bad), directory...)
	require.NoError(t, err)
	require.Equal(t, []string{"2400[3] SV107-1"}, pathsOf(b.Claims[0].Err), "a pointer at no diagnosis")
}

func TestClaimWithoutPointersMapsToTheClaimInput(t *testing.T) {
	noPointers := strings.ReplaceAll(strings.ReplaceAll(derived, "*UN*1***1~", "*UN*1~"), "*UN*1***2~", "*UN*1~")
	b, err := Read837([]byte(noPointers), directory...)
	require.NoError(t, err)
	c := b.Claims[0]
	require.NoError(t, c.Err)
	want := cl.ClaimInput{ID: "26463774", Patient: "subject-JS00111223333", Coverage: "JS00111223333",
		Payer: "Payer999996666MSP", RenderingNPI: "1234567893", BillablePeriod: cl.Period{Start: "2006-10-03", End: "2006-10-10"},
		PlaceOfService: "11", Diagnoses: []string{"J02.0", "Z00.00"}, TotalCents: 10000, Items: []cl.Item{
			{Sequence: 1, Code: "99213", Modifiers: []string{"25"}, Units: 1, UnitCents: 4000, NetCents: 4000, Date: "2006-10-03"},
			{Sequence: 2, Code: "87070", Units: 1, UnitCents: 1500, NetCents: 1500, Date: "2006-10-03"},
			{Sequence: 3, Code: "99214", Units: 1, UnitCents: 3500, NetCents: 3500, Date: "2006-10-10"},
			{Sequence: 4, Code: "86663", Units: 1, UnitCents: 1000, NetCents: 1000, Date: "2006-10-10"}}}
	require.Equal(t, want, *c.Input)
	ack, err := b.Ack999(1, at2007)
	require.NoError(t, err)
	require.Contains(t, string(ack), "IK5*A~")
	require.Contains(t, string(ack), "AK9*A*1*1*1~")
}

func TestRefusalsNameTheElement(t *testing.T) {
	base := strings.ReplaceAll(strings.ReplaceAll(derived, "*UN*1***1~", "*UN*1~"), "*UN*1***2~", "*UN*1~")
	cases := map[string]struct{ from, to, path string }{
		"replacement claim":   {"11:B:1*", "11:B:7*", "2300 CLM05-3"},
		"not assigned":        {"*Y*A*Y*I~", "*Y*C*Y*I~", "2300 CLM07"},
		"minutes":             {"SV1*HC:87070*15*UN*1~", "SV1*HC:87070*15*MJ*1~", "2400[2] SV103"},
		"split cents":         {"SV1*HC:87070*15*UN*1~", "SV1*HC:87070*15*UN*7~", "2400[2] SV102"},
		"half a unit":         {"SV1*HC:87070*15*UN*1~", "SV1*HC:87070*15*UN*1.5~", "2400[2] SV104"},
		"service period":      {"DTP*472*D8*20061003~\nLX*2", "DTP*472*RD8*20061003-20061004~\nLX*2", "2400[1] DTP03"},
		"secondary payer":     {"SBR*P*18", "SBR*S*18", "2000B SBR01"},
		"bad NPI":             {"XX*1234567893", "XX*1234567890", "2010AA NM109"},
		"two claim auths":     {"HI*ABK", "REF*G1*AUTH1~\nREF*G1*AUTH2~\nHI*ABK", "2300 REF02"},
		"note":                {"HI*ABK", "NTE*ADD*CALL ME~\nHI*ABK", "2300 NTE"},
		"total off":           {"*100***", "*101***", "2300 CLM02"},
		"future service":      {"D8*20061010~\nSE", "D8*20070110~\nSE", "2400[4] DTP03"},
		"bad line place":      {"SV1*HC:86663*10*UN*1~", "SV1*HC:86663*10*UN*1*2X~", "2400[4] SV105"},
		"ICD-9":               {"ABK:J020", "BK:0340", "2300 HI01-2"},
		"unknown procedure":   {"HC:86663", "HC:8666", "2400[4] SV101-2"},
		"emergency indicator": {"SV1*HC:86663*10*UN*1~", "SV1*HC:86663*10*UN*1*****Y~", "2400[4] SV109"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc := strings.Replace(base, tc.from, tc.to, 1)
			require.NotEqual(t, base, doc)
			b, err := Read837([]byte(fixCount(doc)), directory...)
			require.NoError(t, err)
			require.Contains(t, pathsOf(b.Claims[0].Err), tc.path)
			require.Nil(t, b.Claims[0].Input, "a refused claim maps to nothing")
		})
	}
}

// fixCount rewrites SE01 for the segments between ST and SE.
func fixCount(doc string) string {
	segs, d, err := Tokenize([]byte(doc))
	if err != nil {
		panic(err)
	}
	st := slices.IndexFunc(segs, func(s Segment) bool { return s.ID == "ST" })
	se := slices.IndexFunc(segs, func(s Segment) bool { return s.ID == "SE" })
	segs[se].Elements[0] = itoa(se - st + 1)
	out, err := Encode(segs, d)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// A secondary coverage (2320/2330) maps to the claim's secondary for
// coordination of benefits; a tertiary is refused.
func TestOtherSubscriberIsTheSecondary(t *testing.T) {
	base := strings.ReplaceAll(strings.ReplaceAll(derived, "*UN*1***1~", "*UN*1~"), "*UN*1***2~", "*UN*1~")
	other := func(sbr01, member, payer string) string {
		return "SBR*" + sbr01 + "*18*******CI~\nOI***Y*P**Y~\nNM1*IL*1*SMITH*JANE****MI*" + member +
			"~\nNM1*PR*2*OTHER INSURANCE*****PI*" + payer + "~\n"
	}
	doc := fixCount(strings.Replace(base, "LX*1", other("S", "ALT-77", "555")+"LX*1", 1))
	b, err := Read837([]byte(doc), directory...)
	require.NoError(t, err)
	require.NoError(t, b.Claims[0].Err)
	require.Equal(t, &cl.CoverageRef{Payer: "Payer555MSP", Coverage: "ALT-77"}, b.Claims[0].Input.Secondary)

	doc = fixCount(strings.Replace(base, "LX*1", other("S", "ALT-77", "555")+other("T", "ALT-88", "556")+"LX*1", 1))
	b, err = Read837([]byte(doc), directory...)
	require.NoError(t, err)
	require.Equal(t, []string{"2320[2] SBR"}, pathsOf(b.Claims[0].Err), "a tertiary coverage is refused, by its loop")
}

func TestBrokenTrailerRejectsTheSet(t *testing.T) {
	doc := strings.Replace(derived, "SE*31*0021", "SE*32*0021", 1)
	b, err := Read837([]byte(doc), directory...)
	require.NoError(t, err)
	ack, err := b.Ack999(1, at2007)
	require.NoError(t, err)
	require.Contains(t, string(ack), "IK5*R*4")
}

func TestBrokenEnvelopeIsAnError(t *testing.T) {
	_, err := Read837([]byte(strings.Replace(derived, "IEA*1*000000905", "IEA*1*000000906", 1)))
	var env *EnvelopeError
	require.ErrorAs(t, err, &env)
	_, err = Read837([]byte("GS*HC~"))
	var syn *SyntaxError
	require.ErrorAs(t, err, &syn)
}

func paidRemittance() *cl.Remittance {
	return &cl.Remittance{Claim: "26463774", Payer: "PayerMSP", Provider: "HospitalMSP", Status: cl.StatusPaid,
		Outcome: cl.OutcomePartial, ChargedCents: 10000, PaidCents: 6200, PatientCents: 2000,
		Lines: []cl.RemittanceLine{
			{Sequence: 1, Code: "99213", Modifiers: []string{"25"}, SubmittedCents: 4000, AllowedCents: 3500, PatientCents: 2000, PaidCents: 1500,
				Adjustments: []cl.Reason{{Group: "CO", Code: "45", Amount: 500}, {Group: "PR", Code: "1", Amount: 1500}, {Group: "PR", Code: "3", Amount: 500}}},
			{Sequence: 2, Code: "87070", SubmittedCents: 6000, AllowedCents: 6000, PaidCents: 4700,
				Adjustments: []cl.Reason{{Group: "CO", Code: "45", Amount: 1300}}}},
		Payments: []cl.Payment{{Trace: "EFT-1", AmountCents: 6200, Date: "2007-01-15T10:00:00Z"}}}
}

func TestOur835ParsesBack(t *testing.T) {
	data, err := Write835(paidRemittance(), Remit835{Control: 7, At: at2007, Sender: "PAYER", Receiver: "PROVIDER",
		Payer: Party{Name: "KEY INSURANCE", ID: "999996666", Address: "1 MAIN ST", City: "MIAMI", State: "FL", Zip: "33111", Contact: "3055550000"},
		Payee: Party{Name: "BEN KILDARE SERVICE", ID: "1234567893"}, Patient: "subject-1"})
	require.NoError(t, err)
	r, err := Parse835(data)
	require.NoError(t, err)
	require.Equal(t, int64(6200), r.Paid)
	require.Equal(t, "EFT-1", r.Trace)
	require.Equal(t, "20070115", r.Date)
	require.Equal(t, "1234567893", r.Payee)
	require.Len(t, r.Claims, 1)
	c := r.Claims[0]
	require.Equal(t, ClaimPayment{ID: "26463774", Status: "1", Charged: 10000, Paid: 6200, Patient: 2000, Lines: []ServicePayment{
		{Code: "99213", Modifiers: []string{"25"}, Charged: 4000, Paid: 1500, Allowed: 3500, Adjustments: []Adjustment{
			{"CO", "45", 500}, {"PR", "1", 1500}, {"PR", "3", 500}}},
		{Code: "87070", Modifiers: []string{}, Charged: 6000, Paid: 4700, Allowed: 6000, Adjustments: []Adjustment{{"CO", "45", 1300}}}}}, c)
	ic, err := ParseInterchange(data)
	require.NoError(t, err)
	require.Empty(t, ic.Groups[0].Sets[0].Errors)
}

func TestUnbalancedRemittanceIsNotWritten(t *testing.T) {
	r := paidRemittance()
	r.Lines[1].PaidCents = 4800
	_, err := Write835(r, Remit835{Control: 1, At: at2007})
	require.True(t, errors.Is(err, ErrUnbalanced))
	r = paidRemittance()
	r.Payments[0].Reversed = "2007-01-16T00:00:00Z"
	_, err = Write835(r, Remit835{Control: 1, At: at2007})
	require.ErrorContains(t, err, "no payment")
}

func TestParse835RefusesWhatDoesNotBalance(t *testing.T) {
	data, err := Write835(paidRemittance(), Remit835{Control: 7, At: at2007, Payer: Party{ID: "1"}})
	require.NoError(t, err)
	_, err = Parse835([]byte(strings.Replace(string(data), "CAS*CO*45*13~", "CAS*CO*45*12~", 1)))
	require.ErrorIs(t, err, ErrUnbalanced)
}

// A prior authorization for the whole claim (2300 REF*G1) goes to every
// line without one of its own (2400 REF*G1).
func TestClaimPriorAuthGoesToTheLines(t *testing.T) {
	doc := strings.Replace(derived, "HI*ABK", "REF*G1*AUTH1~\nHI*ABK", 1)
	doc = strings.Replace(doc, "DTP*472*D8*20061010~\nSE", "DTP*472*D8*20061010~\nREF*G1*OWN4~\nSE", 1)
	b, err := Read837([]byte(fixCount(doc)), directory...)
	require.NoError(t, err)
	require.NoError(t, b.Claims[0].Err)
	var auths []string
	for _, it := range b.Claims[0].Input.Items {
		auths = append(auths, it.PriorAuth)
	}
	require.Equal(t, []string{"AUTH1", "AUTH1", "AUTH1", "OWN4"}, auths)
}

// A line's SV105 other than the claim's CLM05-1 is the line's own place
// of service; one that repeats the claim's is the claim's.
func TestLinePlaceOfService(t *testing.T) {
	base := strings.ReplaceAll(strings.ReplaceAll(derived, "*UN*1***1~", "*UN*1~"), "*UN*1***2~", "*UN*1~")
	doc := strings.Replace(base, "SV1*HC:86663*10*UN*1~", "SV1*HC:86663*10*UN*1*22~", 1)
	doc = strings.Replace(doc, "SV1*HC:87070*15*UN*1~", "SV1*HC:87070*15*UN*1*11~", 1)
	b, err := Read837([]byte(fixCount(doc)), directory...)
	require.NoError(t, err)
	c := b.Claims[0]
	require.NoError(t, c.Err)
	require.Equal(t, "11", c.Input.PlaceOfService)
	var places []string
	for _, it := range c.Input.Items {
		places = append(places, it.PlaceOfService)
	}
	require.Equal(t, []string{"", "", "", "22"}, places)
}
