package x12

import (
	"os"
	"reflect"
	"testing"
	"time"
)

func seeds(f *testing.F) {
	if data, err := os.ReadFile(sampleFile); err == nil {
		f.Add(data)
	}
	f.Add([]byte(derived))
	f.Add([]byte("ISA*00*          *00*          *ZZ*A              *ZZ*B              *070102*1253*^*00501*000000905*1*T*:~IEA*0*000000905~"))
}

// FuzzTokenize: whatever tokenizes re-encodes to text that tokenizes to
// the same segments and delimiters; nothing panics.
func FuzzTokenize(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, d, err := Tokenize(data)
		if err != nil {
			return
		}
		out, err := Encode(segs, d)
		if err != nil {
			t.Fatalf("tokenized segments do not encode: %v", err)
		}
		again, d2, err := Tokenize(out)
		if err != nil {
			t.Fatalf("encoded segments do not tokenize: %v\n%q", err, out)
		}
		if d2 != d || !reflect.DeepEqual(normal(again), normal(segs)) {
			t.Fatalf("round trip changed the segments:\n%q\n%q", segs, again)
		}
	})
}

// normal treats a nil and an empty element list alike.
func normal(segs []Segment) []Segment {
	out := make([]Segment, len(segs))
	for i, s := range segs {
		out[i] = Segment{ID: s.ID, Elements: append([]string{}, s.Elements...)}
	}
	return out
}

// FuzzRead837: no input panics; every CLM gives exactly one result, either
// an input or a refusal; an acknowledgement can always be written and
// read back.
func FuzzRead837(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read837(data, directory...)
		if err != nil {
			return
		}
		claims := 0
		for _, g := range b.Interchange.Groups {
			for _, s := range g.Sets {
				if s.ST.Element(1) == "837" {
					for _, seg := range s.Body {
						if seg.ID == "CLM" {
							claims++
						}
					}
				}
			}
		}
		if len(b.Claims) > claims {
			t.Fatalf("%d results for %d CLM segments", len(b.Claims), claims)
		}
		for _, c := range b.Claims {
			if (c.Input == nil) == (c.Err == nil) {
				t.Fatalf("claim %q: an input or a refusal, exactly one", c.ID)
			}
		}
		if len(b.Interchange.Groups) == 0 {
			return
		}
		ack, err := b.Ack999(1, time.Unix(0, 0))
		if err != nil {
			return // an id that cannot be written back (it holds a delimiter)
		}
		if _, err := ParseInterchange(ack); err != nil {
			t.Fatalf("our 999 does not parse: %v\n%s", err, ack)
		}
	})
}
