package epcis

import (
	"fmt"
	"strings"
)

// Vocab is a value of a CBV or GS1 vocabulary (a business step, a
// disposition, ...): Term is the bare CBV term ("shipping") whatever form
// it was written in, URI a value of another vocabulary (a user-defined
// business step), kept as written. At most one is set.
type Vocab struct {
	Term string `json:"term,omitempty"`
	URI  string `json:"uri,omitempty"`
}

// String is the value as EPCIS 2.0 JSON writes it: the bare term, or the
// URI.
func (v Vocab) String() string {
	if v.Term != "" {
		return v.Term
	}
	return v.URI
}

// IsZero reports whether no value was given.
func (v Vocab) IsZero() bool { return v.Term == "" && v.URI == "" }

// Is reports whether v is the CBV term t.
func (v Vocab) Is(t string) bool { return v.Term == t }

// vocabulary is one CBV or GS1 vocabulary and the forms its values take:
// the bare term (EPCIS 2.0 JSON-LD), the URN (EPCIS 1.x and CBV 1.x), the
// GS1 Web URI (CBV 2.0) and its compact form.
type vocabulary struct {
	name   string
	urn    string   // urn:epcglobal:cbv:bizstep:
	web    []string // https://ref.gs1.org/cbv/BizStep-
	curie  string   // cbv:BizStep-
	ownWeb []string // URIs under which a value must be one of terms
	terms  map[string]bool
}

func terms(list string) map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(list) {
		m[t] = true
	}
	return m
}

func cbv(name, urnKind, webKind, list string) *vocabulary {
	return &vocabulary{name: name, urn: "urn:epcglobal:cbv:" + urnKind + ":",
		web:   []string{"https://ref.gs1.org/cbv/" + webKind + "-", "http://ref.gs1.org/cbv/" + webKind + "-"},
		curie: "cbv:" + webKind + "-", ownWeb: []string{"urn:epcglobal:cbv:", "https://ref.gs1.org/cbv/", "http://ref.gs1.org/cbv/", "https://ns.gs1.org/cbv/", "http://ns.gs1.org/cbv/"},
		terms: terms(list)}
}

func gs1voc(name, webKind, list string) *vocabulary {
	return &vocabulary{name: name, web: []string{"https://gs1.org/voc/" + webKind, "http://gs1.org/voc/" + webKind, "https://www.gs1.org/voc/" + webKind},
		curie: "gs1:" + webKind, ownWeb: []string{"https://gs1.org/voc/", "http://gs1.org/voc/", "https://www.gs1.org/voc/"}, terms: terms(list)}
}

// The vocabularies of EPCIS 2.0 events (CBV 2.0 sections 7 and 8, GS1 Web
// Vocabulary for measurement and alert types).
var (
	BizSteps = cbv("business step", "bizstep", "BizStep", `accepting arriving assembling collecting commissioning consigning
		creating_class_instance cycle_counting decommissioning departing destroying disassembling dispensing encoding
		entering_exiting holding inspecting installing killing loading other packing picking receiving removing
		repackaging repairing replacing reserving retail_selling shipping staging_outbound stock_taking stocking
		storing transporting unloading unpacking void_shipping sensor_reporting sampling`)
	Dispositions = cbv("disposition", "disp", "Disp", `active container_closed damaged destroyed dispensed disposed encoded
		expired in_progress in_transit inactive no_pedigree_match non_sellable_other partially_dispensed recalled
		reserved retail_sold returned sellable_accessible sellable_not_accessible stolen unknown available
		completeness_verified completeness_inferred conformant container_open mismatch_instance mismatch_class
		mismatch_quantity needs_replacement non_conformant unavailable`)
	BizTransactionTypes = cbv("business transaction type", "btt", "BTT", "bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt")
	SourceDestTypes     = cbv("source/destination type", "sdt", "SDT", "owning_party possessing_party location")
	ErrorReasons        = cbv("error reason", "er", "ER", "did_not_occur incorrect_data")
	Components          = cbv("component", "comp", "Comp", `x y z axial_distance azimuth height spherical_radius polar_angle
		elevation_angle easting northing latitude longitude altitude`)
	MeasurementTypes = gs1voc("measurement type", "", `AbsoluteHumidity AbsorbedDose AbsorbedDoseRate Acceleration Radioactivity
		Altitude AmountOfSubstance AmountOfSubstancePerUnitVolume Angle AngularAcceleration AngularMomentum AngularVelocity
		Area Capacitance Conductance Conductivity Count Density Dimensionless DoseEquivalent DoseEquivalentRate
		DynamicViscosity ElectricCharge ElectricCurrent ElectricCurrentDensity ElectricFieldStrength Energy Exposure Force
		Frequency Illuminance Inductance Irradiance KinematicViscosity Length LinearMomentum Luminance LuminousFlux
		LuminousIntensity MagneticFlux MagneticFluxDensity MagneticVectorPotential Mass MassConcentration MassFlowRate
		MassPerAreaTime MemoryCapacity MolalityOfSolute MolarEnergy MolarMass MolarVolume Power Pressure RadiantFlux
		RadiantIntensity RelativeHumidity Resistance Resistivity SolidAngle SpecificVolume Speed SurfaceDensity
		SurfaceTension Temperature Time Torque Voltage Volume VolumeFlowRate VolumeFraction VolumetricFlux Wavenumber`)
	SensorAlertTypes = gs1voc("sensor alert type", "SensorAlertType-", "ALARM_CONDITION ERROR_CONDITION")
)

// Parse reads a value of the vocabulary in any of its forms. A bare word
// must be one of its terms; a URI of the vocabulary's own namespace must
// name one; any other absolute URI is a value of another vocabulary.
func (voc *vocabulary) Parse(s string) (Vocab, error) {
	if t, ok := voc.term(s); ok {
		if !voc.terms[t] {
			return Vocab{}, fmt.Errorf("%q is not a %s of the standard vocabulary", s, voc.name)
		}
		return Vocab{Term: t}, nil
	}
	if !strings.Contains(s, ":") {
		return Vocab{}, fmt.Errorf("%q is neither a %s of the standard vocabulary nor a URI", s, voc.name)
	}
	for _, own := range voc.ownWeb {
		if strings.HasPrefix(s, own) {
			return Vocab{}, fmt.Errorf("%q is in the standard's namespace but no %s of it", s, voc.name)
		}
	}
	if err := checkURI(s); err != nil {
		return Vocab{}, err
	}
	return Vocab{URI: s}, nil
}

// term strips the vocabulary's prefixes off s (a bare word is a term).
func (voc *vocabulary) term(s string) (string, bool) {
	if !strings.Contains(s, ":") {
		return s, voc.terms[s]
	}
	prefixes := append([]string{voc.curie}, voc.web...)
	if voc.urn != "" {
		prefixes = append(prefixes, voc.urn)
	}
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return s[len(p):], true
		}
	}
	return "", false
}
