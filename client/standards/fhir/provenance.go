package fhir

import (
	"fmt"

	rc "github.com/carechain/carechain/chaincode/records/wire"
)

const systemDataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"

// VersionProvenance writes one version of a record as an R4 Provenance:
// the version it targets, who anchored it for which custodian, when, and
// the version it revises. Versions is a record's history (any order);
// one Provenance per version, oldest first.
func VersionProvenance(versions []rc.VersionEntry) ([][]byte, error) {
	byVersion := map[int]rc.VersionEntry{}
	last := 0
	for _, v := range versions {
		byVersion[v.Anchor.Version] = v
		last = max(last, v.Anchor.Version)
	}
	var out [][]byte
	for n := 1; n <= last; n++ {
		v, ok := byVersion[n]
		if !ok {
			continue
		}
		p, err := provenance(v.Anchor)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func versionRef(id string, version int) obj {
	return obj{"reference": fmt.Sprintf("DocumentReference/%s/_history/%d", id, version)}
}

func provenance(a rc.Anchor) ([]byte, error) {
	activity := "CREATE"
	if a.Version > 1 {
		activity = "UPDATE"
	}
	agent := obj{"who": obj{"identifier": obj{"system": SystemIdentity, "value": a.Author}},
		"onBehalfOf": identRef("Organization", SystemOrg, a.Custodian)}
	res := obj{"resourceType": "Provenance", "id": fmt.Sprintf("%s-v%d", a.ID, a.Version),
		"target": []any{versionRef(a.ID, a.Version)}, "recorded": a.Created,
		"activity": concept(systemDataOperation, activity), "agent": []any{agent}}
	if a.Version > 1 {
		res["entity"] = []any{obj{"role": "revision", "what": versionRef(a.ID, a.Version-1)}}
	}
	return emit(res)
}
