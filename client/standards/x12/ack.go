package x12

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// writeAck writes the 999 for b: one ST*999 per functional group.
func writeAck(b *Batch, control int, at time.Time) ([]byte, error) {
	ic := b.Interchange
	d := DefaultDelimiters
	ctl := fmt.Sprintf("%09d", control)
	segs := []Segment{isa(ic.ISA, ctl, at), Seg("GS", "FA", ic.Groups[0].GS.Element(3), ic.Groups[0].GS.Element(2),
		at.UTC().Format("20060102"), at.UTC().Format("1504"), fmt.Sprint(control), "X", Version999)}
	next := 0
	for gi, g := range ic.Groups {
		reports := b.sets[next : next+len(g.Sets)]
		next += len(g.Sets)
		segs = append(segs, ackGroup(g, reports, gi+1, d)...)
	}
	segs = append(segs, Seg("GE", fmt.Sprint(len(ic.Groups)), fmt.Sprint(control)), Seg("IEA", "1", ctl))
	return Encode(segs, d)
}

// isa answers an interchange: the receiver becomes the sender.
func isa(orig Segment, ctl string, at time.Time) Segment {
	usage := orig.Element(15)
	if usage == "" {
		usage = "P"
	}
	return Seg("ISA", "00", pad("", 10), "00", pad("", 10), orig.Element(7), pad(orig.Element(8), 15),
		orig.Element(5), pad(orig.Element(6), 15), at.UTC().Format("060102"), at.UTC().Format("1504"),
		"^", "00501", ctl, "0", usage, ":")
}

func pad(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// ackGroup is one 999 transaction set acknowledging group g.
func ackGroup(g Group, reports []setReport, n int, d Delimiters) []Segment {
	st := fmt.Sprintf("%04d", n)
	body := []Segment{Seg("ST", "999", st, Version999), Seg("AK1", g.GS.Element(1), g.GS.Element(6), g.GS.Element(8))}
	accepted := 0
	for _, r := range reports {
		segs, status := ackSet(r, d)
		body = append(body, segs...)
		if status != "R" {
			accepted++
		}
	}
	body = append(body, Seg("AK9", groupStatus(accepted, len(reports), reports), fmt.Sprint(len(g.Sets)), fmt.Sprint(len(reports)), fmt.Sprint(accepted)))
	return append(body, Seg("SE", fmt.Sprint(len(body)+1), st))
}

func groupStatus(accepted, total int, reports []setReport) string {
	switch {
	case accepted == 0:
		return "R"
	case accepted < total:
		return "P"
	}
	for _, r := range reports {
		if len(r.notes) > 0 {
			return "E"
		}
	}
	return "A"
}

// ackSet is AK2, the IK3/IK4 of every refused element, and IK5.
func ackSet(r setReport, d Delimiters) ([]Segment, string) {
	segs := []Segment{Seg("AK2", r.st.Element(1), r.st.Element(2), r.st.Element(3))}
	segs = append(segs, segmentNotes(r.notes, d)...)
	codes := append([]string(nil), r.errors...)
	status := "A"
	switch {
	case len(r.errors) > 0 || (r.claims > 0 && r.refused == r.claims) || r.claims == 0:
		status = "R"
	case len(r.notes) > 0:
		status = "E"
	}
	if len(r.notes) > 0 {
		codes = append(codes, "I5")
	}
	if r.claims == 0 && len(r.errors) == 0 {
		codes = append(codes, "5")
	}
	return append(segs, Seg("IK5", append([]string{status}, codes...)...)), status
}

// segmentNotes groups the notes by segment: one IK3, then its IK4s.
func segmentNotes(notes []located, d Delimiters) []Segment {
	bySeg := map[int][]located{}
	var order []int
	seen := map[[3]int]bool{}
	for _, n := range notes {
		key := [3]int{n.pos, n.elem, n.comp}
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, ok := bySeg[n.pos]; !ok {
			order = append(order, n.pos)
		}
		bySeg[n.pos] = append(bySeg[n.pos], n)
	}
	sort.Ints(order)
	var out []Segment
	for _, pos := range order {
		ns := bySeg[pos]
		out = append(out, ik3(ns))
		for _, n := range ns {
			if !n.segmental {
				out = append(out, ik4(n, d))
			}
		}
	}
	return out
}

func ik3(ns []located) Segment {
	code := "8"
	for _, n := range ns {
		if n.segmental {
			code = n.code
		}
	}
	return Seg("IK3", ns[0].seg, fmt.Sprint(ns[0].pos), loopID(ns[0].loop), code)
}

// loopID is the TR3 loop id, when it is one (2400, 2010BA).
func loopID(loop string) string {
	if len(loop) >= 4 && loop[0] >= '1' && loop[0] <= '2' {
		return loop
	}
	return ""
}

func ik4(n located, d Delimiters) Segment {
	position := fmt.Sprint(n.elem)
	if n.comp > 0 {
		position += string(d.Component) + fmt.Sprint(n.comp)
	}
	bad := ""
	if n.code == "I6" || n.code == "7" || n.code == "8" {
		bad = clean(n.bad, d)
	}
	seg := Seg("IK4", position, elementRefOf(n), n.code)
	if bad != "" {
		seg.Elements = append(seg.Elements, bad)
	}
	return seg
}

// clean drops delimiters from a copy of bad data.
func clean(s string, d Delimiters) string {
	return strings.Map(func(r rune) rune {
		if r == rune(d.Element) || r == rune(d.Segment) || r == rune(d.Component) || r == rune(d.Repetition) {
			return -1
		}
		return r
	}, s)
}

func elementRefOf(n located) string {
	if n.seg == "HI" && n.comp > 0 && n.comp <= 2 {
		return []string{"1270", "1271"}[n.comp-1]
	}
	return elementRef[fmt.Sprintf("%s%02d-%d", n.seg, n.elem, n.comp)]
}

// elementRef holds the data element reference numbers IK402 names.
var elementRef = map[string]string{
	"CLM01-0": "1028", "CLM02-0": "782", "CLM05-1": "1331", "CLM05-2": "1332", "CLM05-3": "1325",
	"CLM06-0": "1073", "CLM07-0": "1359", "CLM08-0": "1073", "CLM09-0": "1363", "CLM10-0": "1351",
	"CLM11-0": "C024", "CLM12-0": "1366", "CLM20-0": "1514",
	"SV101-1": "235", "SV101-2": "234", "SV101-3": "1339", "SV101-4": "1339", "SV101-5": "1339",
	"SV101-6": "1339", "SV101-7": "352", "SV102-0": "782", "SV103-0": "355", "SV104-0": "380",
	"SV105-0": "1331", "SV107-1": "1328", "SV107-2": "1328", "SV107-3": "1328", "SV107-4": "1328",
	"SV109-0": "1073", "SV111-0": "1073", "SV112-0": "1073", "SV115-0": "1327",
	"HI01-1": "1270", "HI01-2": "1271", "HI02-1": "1270", "HI02-2": "1271", "HI03-1": "1270", "HI03-2": "1271",
	"DTP02-0": "1250", "DTP03-0": "1251", "NM108-0": "66", "NM109-0": "67", "SBR01-0": "1138",
	"SBR02-0": "1069", "SBR05-0": "1336", "BHT01-0": "1005", "BHT02-0": "353", "BHT06-0": "640",
	"HL02-0": "734", "HL03-0": "735", "CUR02-0": "100", "REF02-0": "127", "LX01-0": "554",
}
