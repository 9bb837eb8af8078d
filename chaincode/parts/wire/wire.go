// Package wire holds what the parts chaincode and its callers exchange:
// function names, the registry's records and the parts an organisation
// can play, with the role attributes each part lets its members exercise.
// It imports only the standard library, so clients and chaincode share it.
package wire

import "slices"

// Chaincode is the parts registry's chaincode name, the same on every
// channel it is deployed on.
const Chaincode = "parts"

// Function names of the parts chaincode.
const (
	FnBootstrap = "Bootstrap"
	FnGet       = "Get"
	FnList      = "List"
	FnPropose   = "Propose"
	FnApprove   = "Approve"
	FnProposal  = "Proposal"
)

// Parts an organisation can play in the consortium.
const (
	PartProvider        = "provider"
	PartPharmacy        = "pharmacy"
	PartPayer           = "payer"
	PartManufacturer    = "manufacturer"
	PartDistributor     = "distributor"
	PartRegulator       = "regulator"
	PartPatientRegistry = "patient-registry"
	PartOrderer         = "orderer"
)

// Parts lists every part, in a fixed order.
func Parts() []string {
	return []string{PartProvider, PartPharmacy, PartPayer, PartManufacturer,
		PartDistributor, PartRegulator, PartPatientRegistry, PartOrderer}
}

// Role attribute values, as Fabric CA writes them into certificates.
const (
	RolePatient      = "patient"
	RolePhysician    = "physician"
	RoleNurse        = "nurse"
	RoleRecordsClerk = "records-clerk"
	RoleBilling      = "billing"
	RolePharmacist   = "pharmacist"
	RolePrivacy      = "privacy-officer"
	RoleAdjudicator  = "adjudicator"
	RoleEnrollment   = "enrollment"
	RoleClaimsIntake = "claims-intake"
	RoleQuality      = "quality"
	RoleLogistics    = "logistics"
	RoleAuditor      = "auditor"
	RoleRegistrar    = "registrar"
)

// PartRoles lists the role attributes that count for a member of an org
// playing part: a certificate's role means something only together with
// the part its issuing org plays. An unknown part has none.
func PartRoles(part string) []string {
	switch part {
	case PartProvider:
		return []string{RolePhysician, RoleNurse, RoleRecordsClerk, RoleBilling, RolePrivacy}
	case PartPharmacy:
		return []string{RolePharmacist, RoleLogistics}
	case PartPayer:
		return []string{RoleAdjudicator, RoleEnrollment, RoleClaimsIntake, RolePrivacy}
	case PartManufacturer:
		return []string{RoleQuality, RoleLogistics}
	case PartDistributor:
		return []string{RoleLogistics, RoleQuality}
	case PartRegulator:
		return []string{RoleAuditor, RoleRegistrar}
	case PartPatientRegistry:
		return []string{RolePatient, RoleRegistrar}
	}
	return nil
}

// ClinicianRoles are the roles that treat patients (and may break the
// glass), in a provider's org.
func ClinicianRoles() []string { return []string{RolePhysician, RoleNurse} }

// Org is one organisation's entry in the registry: the parts it plays and
// the facts that belong to them.
type Org struct {
	MSPID string `json:"mspId"`
	Name  string `json:"name"`
	// Parts the org plays, sorted.
	Parts []string `json:"parts"`
	// Peer is true for orgs that run peers: they endorse and count in the
	// registry's governance.
	Peer bool `json:"peer"`
	// Plans are a payer's health plans (their rules and coverages belong
	// to it).
	Plans []string `json:"plans,omitempty" metadata:",optional"`
	// CompanyPrefixes are a manufacturer's GS1 company prefixes (its
	// GTINs begin with one of them after the indicator digit).
	CompanyPrefixes []string `json:"companyPrefixes,omitempty" metadata:",optional"`
	// RootCerts are the PEM certificates of the org's CAs, to verify what
	// its members sign (a patient's consent).
	RootCerts []string `json:"rootCerts,omitempty" metadata:",optional"`
	// Updated is the stamp of the transaction that last changed the entry.
	Updated string `json:"updated,omitempty" metadata:",optional"`
}

// Plays reports whether the org plays part.
func (o Org) Plays(part string) bool { return slices.Contains(o.Parts, part) }

// Allows reports whether one of the org's parts lets role count.
func (o Org) Allows(part, role string) bool {
	return role != "" && o.Plays(part) && slices.Contains(PartRoles(part), role)
}

// OwnsPlan reports whether plan is one of the payer's plans.
func (o Org) OwnsPlan(plan string) bool { return o.Plays(PartPayer) && slices.Contains(o.Plans, plan) }

// OwnsGTIN reports whether the GTIN-14 gtin (indicator digit first) starts,
// after its indicator digit, with one of the manufacturer's company
// prefixes. GS1 prefixes are 4 to 12 digits; a GTIN-8 style zero padding is
// handled by the GTIN's own leading zeros.
func (o Org) OwnsGTIN(gtin string) bool {
	if !o.Plays(PartManufacturer) || len(gtin) != 14 {
		return false
	}
	for _, p := range o.CompanyPrefixes {
		if len(p) < 13 && gtin[1:1+len(p)] == p {
			return true
		}
	}
	return false
}

// Registry is every org, sorted by MSP id: the genesis document and the
// answer to List.
type Registry struct {
	Orgs []Org `json:"orgs"`
}

// Genesis is the packaged first registry of every channel the parts
// chaincode is deployed on, by channel name.
type Genesis struct {
	Channels map[string]Registry `json:"channels"`
}

// Change is what a proposal does: set (add or replace) one org's entry, or
// remove one org.
type Change struct {
	Set    *Org   `json:"set,omitempty" metadata:",optional"`
	Remove string `json:"remove,omitempty" metadata:",optional"`
}

// Proposal statuses.
const (
	ProposalOpen    = "open"
	ProposalApplied = "applied"
)

// Proposal is a change waiting for, or applied after, the approvals of a
// majority of the orgs that run peers.
type Proposal struct {
	ID     string `json:"id"`
	Change Change `json:"change"`
	// Proposer is the MSP id of the admin who proposed it.
	Proposer string `json:"proposer"`
	// Approvals are the MSP ids whose admins approved, sorted; the
	// proposer's is the first approval.
	Approvals []string `json:"approvals"`
	// Needed is how many approvals apply the change: a majority of the
	// orgs that ran peers when it was proposed.
	Needed  int    `json:"needed"`
	Status  string `json:"status"`
	Created string `json:"created"`
	Applied string `json:"applied,omitempty" metadata:",optional"`
}
