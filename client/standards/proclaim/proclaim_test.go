package proclaim

import (
	"testing"
	"time"

	cl "github.com/carechain/carechain/chaincode/claims/wire"
	"github.com/carechain/carechain/client/standards/refusal"
	"github.com/stretchr/testify/require"
)

func TestCentsAreExact(t *testing.T) {
	for in, want := range map[string]int64{"79.04": 7904, "100": 10000, "75.0": 7500, "0.1": 10, "-1.5": -150, "21.040": 2104} {
		got, err := Cents(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
		back, err := Cents(Dollars(got))
		require.NoError(t, err)
		require.Equal(t, got, back)
	}
	for _, bad := range []string{"", "1.234", "1e3", "12,00", "$5", "0x10", "1.", ".5", "9999999999999999"} {
		_, err := Cents(bad)
		require.Error(t, err, bad)
	}
	require.Equal(t, "79.04", Dollars(7904))
	require.Equal(t, "100", Dollars(10000))
	require.Equal(t, "-1.5", Dollars(-150))
}

func TestNPICheckDigit(t *testing.T) {
	require.True(t, luhnNPI("1234567893"))
	require.False(t, luhnNPI("1234567890"))
	require.False(t, luhnNPI("9876543210"))
}

func claim() *Claim {
	return &Claim{Doc: "test", ID: F("C-1", "id"), Patient: F("subject-1", "patient"), Payer: F("PayerMSP", "payer"),
		RenderingNPI: F("1234567893", "npi"), PlaceOfService: F("11", "pos"),
		Diagnoses: []Diagnosis{{System: ICD10CM, Code: F("J02.0", "dx0")}},
		Insurance: []Insurance{{Sequence: 1, Focal: true, Coverage: F("COV-1", "ins0"), At: "ins0"}},
		Items: []Item{{At: "item0", CodeSystem: CPT, Code: F("99213", "code0"), Quantity: F("2", "qty0"),
			UnitPrice: F("40", "unit0"), Net: F("80.00", "net0"), Date: F("2026-01-05", "date0")}},
		Total: F("80", "total")}
}

var at = At(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))

func TestInputMapsEveryField(t *testing.T) {
	in, err := Input(claim(), at)
	require.NoError(t, err)
	require.Equal(t, cl.ClaimInput{ID: "C-1", Patient: "subject-1", Coverage: "COV-1", Payer: "PayerMSP", RenderingNPI: "1234567893",
		BillablePeriod: cl.Period{Start: "2026-01-05", End: "2026-01-05"}, PlaceOfService: "11", Diagnoses: []string{"J02.0"},
		Items: []cl.Item{{Sequence: 1, Code: "99213", Units: 2, UnitCents: 4000, NetCents: 8000, Date: "2026-01-05"}}, TotalCents: 8000}, in)
}

// Insurance entries map in order: the focal one is the primary, the next
// the secondary; one before the focal and any after the secondary are
// refused, each by its own element, in one place (limits.go).
func TestCoverageEntriesMapInOrder(t *testing.T) {
	c := claim()
	c.Insurance = append(c.Insurance, Insurance{Sequence: 2, Coverage: F("COV-2", "ins1"), Payer: F("Payer2MSP", "ins1.payer"), At: "ins1"})
	in, err := Input(c, at)
	require.NoError(t, err)
	require.Equal(t, "COV-1", in.Coverage)
	require.Equal(t, &cl.CoverageRef{Payer: "Payer2MSP", Coverage: "COV-2"}, in.Secondary)

	c.Insurance = []Insurance{{Sequence: 1, Coverage: F("COV-0", "ins0"), At: "ins0"},
		{Sequence: 2, Focal: true, Coverage: F("COV-1", "ins1"), At: "ins1"},
		{Sequence: 3, Coverage: F("COV-2", "ins2"), Payer: F("Payer2MSP", "ins2.payer"), At: "ins2"},
		{Sequence: 4, Coverage: F("COV-3", "ins3"), Payer: F("Payer3MSP", "ins3.payer"), At: "ins3"}}
	_, err = Input(c, at)
	require.Equal(t, []string{"ins0", "ins3"}, pathsOf(err))

	c.Insurance = []Insurance{{Sequence: 1, Focal: true, Coverage: F("COV-1", "ins0"), At: "ins0"},
		{Sequence: 2, Coverage: F("COV-2", "ins1"), Payer: F("PayerMSP", "ins1.payer"), At: "ins1"}}
	_, err = Input(c, at)
	require.Equal(t, []string{"ins1.payer"}, pathsOf(err), "the secondary is another payer's")
}

func pathsOf(err error) []string {
	var out []string
	for _, is := range refusal.Issues(err) {
		out = append(out, is.Path)
	}
	return out
}

func TestRefusalsNameTheirField(t *testing.T) {
	cases := map[string]struct {
		change func(*Claim)
		path   string
	}{
		"icd9":           {func(c *Claim) { c.Diagnoses[0].System = ICD9CM }, "dx0"},
		"pointer":        {func(c *Claim) { c.Items[0].DiagnosisPointers = []Field{F("2", "ptr0")} }, "ptr0"},
		"two auths":      {func(c *Claim) { c.PriorAuths = []Field{F("A1", "auth"), F("A2", "auth1")} }, "auth1"},
		"bad line place": {func(c *Claim) { c.Items[0].PlaceOfService = F("2X", "pos0") }, "pos0"},
		"net":            {func(c *Claim) { c.Items[0].Net = F("81", "net0") }, "net0"},
		"total":          {func(c *Claim) { c.Total = F("81", "total") }, "total"},
		"npi":            {func(c *Claim) { c.RenderingNPI = F("1234567890", "npi") }, "npi"},
		"future":         {func(c *Claim) { c.Items[0].Date = F("2026-03-01", "date0") }, "date0"},
		"opaque id":      {func(c *Claim) { c.ID = F("C-subject-1", "id") }, "id"},
		"no patient":     {func(c *Claim) { c.Patient = Field{}; c.Where = map[string]string{Patient: "Claim.patient"} }, "Claim.patient"},
		"fractional":     {func(c *Claim) { c.Items[0].Quantity = F("1.5", "qty0") }, "qty0"},
		"sub-cent":       {func(c *Claim) { c.Items[0].UnitPrice = F("40.005", "unit0") }, "unit0"},
		"bad period": {func(c *Claim) {
			c.BillablePeriod = &Period{Start: F("2026-01-06", "bp.start"), End: F("2026-01-07", "bp.end")}
		}, "bp.start"},
		"bad code":    {func(c *Claim) { c.Items[0].Code = F("9921", "code0") }, "code0"},
		"code system": {func(c *Claim) { c.Items[0].CodeSystem = "ex-serviceproduct" }, "code0"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := claim()
			tc.change(c)
			in, err := Input(c, at)
			require.Contains(t, pathsOf(err), tc.path)
			require.Equal(t, cl.ClaimInput{}, in)
		})
	}
}

// A line's diagnosis pointers are kept as given, in order of
// importance; a pointer at no diagnosis or at one twice is refused by its
// element, and so is every pointer past twelve.
func TestDiagnosisPointers(t *testing.T) {
	two := func(pointers ...string) *Claim {
		c := claim()
		c.Diagnoses = append(c.Diagnoses, Diagnosis{System: ICD10CM, Code: F("Z00.00", "dx1")})
		for i, p := range pointers {
			c.Items[0].DiagnosisPointers = append(c.Items[0].DiagnosisPointers, F(p, "ptr"+string(rune('0'+i))))
		}
		return c
	}
	in, err := Input(two("1", "2"), at)
	require.NoError(t, err)
	require.Equal(t, []string{"J02.0", "Z00.00"}, in.Diagnoses)
	require.Equal(t, []int{1, 2}, in.Items[0].DiagnosisPointers)
	in, err = Input(two(" 2", "1 "), at)
	require.NoError(t, err, "X12 components may be padded")
	require.Equal(t, []int{2, 1}, in.Items[0].DiagnosisPointers, "the order says which diagnosis comes first")
	in, err = Input(two("2"), at)
	require.NoError(t, err)
	require.Equal(t, []int{2}, in.Items[0].DiagnosisPointers)
	in, err = Input(two(), at)
	require.NoError(t, err)
	require.Nil(t, in.Items[0].DiagnosisPointers, "no pointers: every diagnosis applies")
	for name, tc := range map[string]struct {
		ps   []string
		path string
	}{"beyond": {[]string{"1", "3"}, "ptr1"}, "zero": {[]string{"0"}, "ptr0"}, "repeated": {[]string{"2", "2"}, "ptr1"}, "not a number": {[]string{"A"}, "ptr0"}} {
		_, err := Input(two(tc.ps...), at)
		require.Equal(t, []string{tc.path}, pathsOf(err), name)
	}
}

// Business identifiers are kept as given; a relative system, a value
// with spaces, a missing part and a repeat are refused by element.
func TestBusinessIdentifiers(t *testing.T) {
	with := func(ids ...Identifier) *Claim { c := claim(); c.Identifiers = ids; return c }
	id := func(sys, val, at string) Identifier {
		return Identifier{System: fieldIf(sys, at+".system"), Value: fieldIf(val, at+".value"), At: at}
	}
	in, err := Input(with(id("http://happypdocs.com/claim", "8612345", "id0")), at)
	require.NoError(t, err)
	require.Equal(t, []cl.Identifier{{System: "http://happypdocs.com/claim", Value: "8612345"}}, in.Identifiers)
	for name, tc := range map[string]struct {
		ids  []Identifier
		path string
	}{
		"relative system": {[]Identifier{id("claims", "1", "id0")}, "id0.system"},
		"no system":       {[]Identifier{id("", "1", "id0")}, "id0"},
		"space in value":  {[]Identifier{id("urn:x", "86 12", "id0")}, "id0.value"},
		"no value":        {[]Identifier{id("urn:x", "", "id0")}, "id0"},
		"repeated":        {[]Identifier{id("urn:x", "1", "id0"), id("urn:x", "1", "id1")}, "id1"},
	} {
		_, err := Input(with(tc.ids...), at)
		require.Equal(t, []string{tc.path}, pathsOf(err), name)
	}
}

func fieldIf(v, at string) Field {
	if v == "" {
		return Field{}
	}
	return F(v, at)
}

// A prior authorization for the whole claim goes to every line without
// one of its own; a line's own stays.
func TestClaimPriorAuthGoesToEveryLine(t *testing.T) {
	c := claim()
	c.Items = append(c.Items, c.Items[0])
	c.Items[1].At, c.Items[1].Date, c.Items[1].PriorAuth = "item1", F("2026-01-06", "date1"), F("OWN-2", "auth-line1")
	c.Total = F("160", "total")
	c.PriorAuths = []Field{F("PA-1", "auth")}
	in, err := Input(c, at)
	require.NoError(t, err)
	require.Equal(t, "PA-1", in.Items[0].PriorAuth)
	require.Equal(t, "OWN-2", in.Items[1].PriorAuth)
}
