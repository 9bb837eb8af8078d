package client

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
)

// fabricAttrOID is the certificate extension in which Fabric CA writes an
// enrollment's attributes, as {"attrs":{...}}.
var fabricAttrOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

// Attrs returns the attributes Fabric CA wrote into the identity's
// certificate (role, patient_id, hf.EnrollmentID, ...).
func (id *Identity) Attrs() map[string]string {
	return certAttrs(id.Cert)
}

func certAttrs(cert *x509.Certificate) map[string]string {
	for _, ext := range cert.Extensions {
		if ext.Id.Equal(fabricAttrOID) {
			var v struct {
				Attrs map[string]string `json:"attrs"`
			}
			if json.Unmarshal(ext.Value, &v) == nil {
				return v.Attrs
			}
		}
	}
	return map[string]string{}
}
