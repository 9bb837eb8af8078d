package gs1

import "fmt"

// Elements writes a key as its element string: the primary key AI, then
// its qualifiers (a GTIN's lot before its serial).
func (k Key) Elements() (ElementString, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	switch k.Kind {
	case SGTIN, LGTIN, GTIN:
		es := ElementString{{AI: "01", Value: k.Value}}
		if k.Lot != "" {
			es = append(es, Element{AI: "10", Value: k.Lot})
		}
		if k.Kind == SGTIN {
			es = append(es, Element{AI: "21", Value: k.Serial})
		}
		return es, nil
	case SSCC:
		return ElementString{{AI: "00", Value: k.Value}}, nil
	case SGLN:
		es := ElementString{{AI: "414", Value: k.Value}}
		if k.Extension != "" {
			es = append(es, Element{AI: "254", Value: k.Extension})
		}
		return es, nil
	case PGLN:
		return ElementString{{AI: "417", Value: k.Value}}, nil
	case GRAI:
		return ElementString{{AI: "8003", Value: k.Value + k.Serial}}, nil
	case GIAI:
		return ElementString{{AI: "8004", Value: k.Value}}, nil
	}
	return ElementString{{AI: "8018", Value: k.Value}}, nil // GSRN
}

// KeyOf returns the key an element string identifies: its first primary
// key AI (01, 00, 414, 417, 8003, 8004, 8018) with the qualifiers given
// for it. With (01), (21) makes an SGTIN (with (10) as its lot), (10)
// alone an LGTIN, neither a GTIN.
func KeyOf(es ElementString) (Key, error) {
	for _, e := range es {
		var k Key
		switch e.AI {
		case "01":
			k = gtinKey(es, e.Value)
		case "00":
			k = Key{Kind: SSCC, Value: e.Value}
		case "414":
			k = Key{Kind: SGLN, Value: e.Value}
			k.Extension, _ = es.Get("254")
		case "417":
			k = Key{Kind: PGLN, Value: e.Value}
		case "8003":
			if len(e.Value) < 14 {
				return Key{}, fmt.Errorf("(8003) %q is shorter than 14 digits", e.Value)
			}
			k = Key{Kind: GRAI, Value: e.Value[:14], Serial: e.Value[14:]}
		case "8004":
			k = Key{Kind: GIAI, Value: e.Value}
		case "8018":
			k = Key{Kind: GSRN, Value: e.Value}
		default:
			continue
		}
		return k, k.Validate()
	}
	return Key{}, fmt.Errorf("no GS1 identification key (01, 00, 414, 417, 8003, 8004, 8018)")
}

func gtinKey(es ElementString, gtin string) Key {
	lot, hasLot := es.Get("10")
	serial, hasSerial := es.Get("21")
	switch {
	case hasSerial:
		return Key{Kind: SGTIN, Value: gtin, Serial: serial, Lot: lot}
	case hasLot:
		return Key{Kind: LGTIN, Value: gtin, Lot: lot}
	}
	return Key{Kind: GTIN, Value: gtin}
}

// ParseURI reads any identifier URI this package knows: an EPC URN or a
// GS1 Digital Link. Data attributes of a link are not part of the key.
func ParseURI(s string) (Key, error) {
	if IsEPCURI(s) {
		return ParseEPCURI(s)
	}
	dl, err := ParseDigitalLink(s)
	if err != nil {
		return Key{}, err
	}
	return dl.Key()
}
