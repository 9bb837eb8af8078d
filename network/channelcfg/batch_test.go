package channelcfg

import (
	"errors"
	"testing"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	cb "github.com/hyperledger/fabric-protos-go-apiv2/common"
	ob "github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

// withOrderer gives a config the orderer side configtxgen writes: the
// batching values (mod_policy Admins), the orderer group's policies
// (Admins: MAJORITY of the orderer orgs' admins) and the orderer org.
func withOrderer(t *testing.T, cfg *cb.Config, ord testOrg, b Batch) *cb.Config {
	t.Helper()
	b = b.OrDefault()
	size, err := proto.Marshal(&ob.BatchSize{MaxMessageCount: b.MaxMessageCount, AbsoluteMaxBytes: b.AbsoluteMaxBytes, PreferredMaxBytes: b.PreferredMaxBytes})
	require.NoError(t, err)
	timeout, err := proto.Marshal(&ob.BatchTimeout{Timeout: b.Timeout.String()})
	require.NoError(t, err)
	cfg = proto.Clone(cfg).(*cb.Config)
	cfg.ChannelGroup.Groups[configtx.OrdererGroupKey] = &cb.ConfigGroup{
		Groups:   map[string]*cb.ConfigGroup{},
		Values:   map[string]*cb.ConfigValue{"BatchSize": {Value: size, ModPolicy: "Admins"}, "BatchTimeout": {Value: timeout, ModPolicy: "Admins"}},
		Policies: map[string]*cb.ConfigPolicy{}, ModPolicy: "Admins",
	}
	tx := configtx.New(cfg)
	// A clone reads an empty map as none.
	tx.UpdatedConfig().ChannelGroup.Groups[configtx.OrdererGroupKey].Groups = map[string]*cb.ConfigGroup{}
	msp, err := ReadMSP(ord.mspID, ord.mspDir)
	require.NoError(t, err)
	pols := map[string]configtx.Policy{}
	for name, pol := range orgPolicies(ord.mspID, true, false) {
		pols[name] = configtxPolicy(pol)
	}
	require.NoError(t, tx.Orderer().SetOrganization(configtx.Organization{Name: ord.mspID, MSP: msp, Policies: pols}))
	require.NoError(t, tx.Orderer().SetPolicies(map[string]configtx.Policy{
		"Admins":          {Type: configtx.ImplicitMetaPolicyType, Rule: "MAJORITY Admins", ModPolicy: "Admins"},
		"Readers":         {Type: configtx.ImplicitMetaPolicyType, Rule: "ANY Readers", ModPolicy: "Admins"},
		"Writers":         {Type: configtx.ImplicitMetaPolicyType, Rule: "ANY Writers", ModPolicy: "Admins"},
		"BlockValidation": {Type: configtx.ImplicitMetaPolicyType, Rule: "ANY Writers", ModPolicy: "Admins"},
	}))
	return tx.UpdatedConfig()
}

// A changed batch timeout and size is a config update of the orderer
// group's two values, which only the orderer org's admins may sign: the
// application orgs' admins do not count for it.
func TestAChangedBatchIsAnUpdateTheOrdererAdminsSign(t *testing.T) {
	k := newConsortium(t)
	ord := newTestOrg(t, "OrdererMSP")
	c := channel(k.a, k.b, k.patients)
	current := withOrderer(t, configOf(t, want(t, c)), ord, Batch{})

	c.Batch = DefaultBatch
	plan, err := NewPlan("care", current, want(t, c))
	require.NoError(t, err)
	assert.True(t, plan.Empty(), "the default batching, written out, is what the channel has: %s", plan)

	c.Batch = Batch{Timeout: time.Second, MaxMessageCount: 20}
	plan, err = NewPlan("care", current, want(t, c))
	require.NoError(t, err)
	assert.Empty(t, plan.Added)
	assert.Empty(t, plan.Removed)
	assert.Equal(t, []string{"batch timeout 250ms -> 1s",
		"batch size 100 transactions, 2097152 bytes preferred, 103809024 at most -> 20 transactions, 2097152 bytes preferred, 103809024 at most"}, plan.Changed)
	got, err := BatchOf(plan.Updated())
	require.NoError(t, err)
	assert.Equal(t, Batch{Timeout: time.Second, MaxMessageCount: 20, AbsoluteMaxBytes: 99 << 20, PreferredMaxBytes: 2 << 20}, got)

	signers, err := plan.Signers([]string{"AMSP", "BMSP", "PatientsMSP", "OrdererMSP"})
	require.NoError(t, err)
	assert.Equal(t, []string{"OrdererMSP"}, signers)
	_, err = plan.Signers([]string{"AMSP", "BMSP", "PatientsMSP"})
	assert.ErrorContains(t, err, "/Channel/Orderer/Admins needs the admins of 1 of [OrdererMSP]")

	u, err := plan.Update()
	require.NoError(t, err)
	byApps := signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, k.b))
	_, err = Check(current, byApps)
	var unsigned *UnsignedError
	require.True(t, errors.As(err, &unsigned), "every application admin signed, none of the orderers': %v", err)
	assert.Equal(t, []string{"OrdererMSP"}, unsigned.Orgs())
	assert.ErrorContains(t, err, "/Channel/Orderer/Admins needs the admins of 1 of [OrdererMSP], signed by []")

	by, err := Check(current, signedThroughFiles(t, u, adminOf(t, ord)))
	require.NoError(t, err)
	assert.Equal(t, []string{"OrdererMSP"}, by)

	// What a failed reconcile rolls back to has the batching it had.
	back, err := WantFrom(current)
	require.NoError(t, err)
	undo, err := NewPlan("care", plan.Updated(), back)
	require.NoError(t, err)
	assert.Equal(t, []string{"batch timeout 1s -> 250ms",
		"batch size 20 transactions, 2097152 bytes preferred, 103809024 at most -> 100 transactions, 2097152 bytes preferred, 103809024 at most"}, undo.Changed)
}

// An org that joins while the batching changes: the update needs the
// application majority and the orderer org's admin, each for its part.
func TestAJoinAndABatchChangeNeedBothMajorities(t *testing.T) {
	k := newConsortium(t)
	ord := newTestOrg(t, "OrdererMSP")
	current := withOrderer(t, configOf(t, want(t, channel(k.a, k.b, k.patients))), ord, Batch{})
	c := channel(k.a, k.b, k.patients, k.c)
	c.Batch = Batch{PreferredMaxBytes: 512 << 10}
	plan, err := NewPlan("care", current, want(t, c))
	require.NoError(t, err)
	assert.Equal(t, []string{"CMSP"}, plan.Added)
	assert.Contains(t, plan.Changed, "batch size 100 transactions, 2097152 bytes preferred, 103809024 at most -> 100 transactions, 524288 bytes preferred, 103809024 at most")
	signers, err := plan.Signers([]string{"AMSP", "BMSP", "PatientsMSP", "CMSP", "OrdererMSP"})
	require.NoError(t, err)
	assert.Equal(t, []string{"AMSP", "BMSP", "OrdererMSP"}, signers)
	u, err := plan.Update()
	require.NoError(t, err)
	_, err = Check(current, signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, ord)))
	assert.ErrorContains(t, err, "/Channel/Application/Admins needs the admins of 2 of [AMSP BMSP PatientsMSP], signed by [AMSP]: 1 more")
	by, err := Check(current, signedThroughFiles(t, u, adminOf(t, k.a), adminOf(t, ord), adminOf(t, k.b)))
	require.NoError(t, err)
	assert.Equal(t, []string{"AMSP", "OrdererMSP", "BMSP"}, by)
}

func TestABatchTheOrderersWouldRefuseIsRefused(t *testing.T) {
	assert.ErrorContains(t, Batch{PreferredMaxBytes: 100 << 20}.Validate(), "must not exceed absoluteMaxBytes")
	assert.ErrorContains(t, Batch{Timeout: -time.Second}.Validate(), "must be positive")
	assert.NoError(t, Batch{}.Validate())
	_, err := Configtx(Channel{Name: "care", Batch: Batch{AbsoluteMaxBytes: 1 << 20}})
	assert.ErrorContains(t, err, "must not exceed absoluteMaxBytes 1048576")
}
