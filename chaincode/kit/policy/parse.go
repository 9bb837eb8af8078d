package policy

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
)

// principalPattern is the peer's pattern for 'MSPID.role'.
var principalPattern = regexp.MustCompile(`^([[:alnum:].-]+)[.](admin|member|client|peer|orderer)$`)

// gates maps the gate names the peer accepts to their kind.
var gates = map[string]string{
	"AND": "and", "And": "and", "and": "and",
	"OR": "or", "Or": "or", "or": "or",
	"OUTOF": "outof", "OutOf": "outof", "outof": "outof",
}

// Parse reads a signature policy in the syntax of chaincode definitions:
//
//	GATE(ARG, ...)
//
// where GATE is AND, OR (in upper, lower or title case) or OutOf, whose
// first argument is the number of the others that must hold, and an ARG is
// a principal 'MSPID.ROLE' in single or double quotes, ROLE being member,
// admin, client, peer or orderer, or another gate. Like the peer, it
// refuses a bare principal, an unquoted one, an empty gate and an OutOf
// threshold below 0 or above the number of its arguments plus one.
func Parse(s string) (Policy, error) {
	p := &parser{src: s}
	root, err := p.gate()
	if err != nil {
		return Policy{}, err
	}
	p.space()
	if p.pos < len(p.src) {
		return Policy{}, p.errorf("unexpected %q after the policy", p.src[p.pos:])
	}
	return Policy{root: root}, nil
}

// MustParse is Parse for policies known to be valid; it panics on error.
func MustParse(s string) Policy {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// parser is a recursive descent parser over src.
type parser struct {
	src string
	pos int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("policy: parse %q at offset %d: %s", p.src, p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *parser) peek() byte {
	p.space()
	if p.pos == len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.errorf("expected %q", c)
	}
	p.pos++
	return nil
}

// word reads a run of letters and digits.
func (p *parser) word() string {
	p.space()
	start := p.pos
	for p.pos < len(p.src) && isAlnum(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// quoted reads a string in single or double quotes.
func (p *parser) quoted() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf("expected a quoted principal or a gate")
	}
	start := p.pos + 1
	for end := start; end < len(p.src); end++ {
		if p.src[end] == q {
			p.pos = end + 1
			return p.src[start:end], nil
		}
	}
	return "", p.errorf("unterminated string")
}

// gate reads GATE(ARG, ...).
func (p *parser) gate() (*rule, error) {
	name := p.word()
	kind, ok := gates[name]
	if !ok {
		return nil, p.errorf("expected AND, OR or OutOf, got %q", name)
	}
	if err := p.expect('('); err != nil {
		return nil, err
	}
	n := -1
	if kind == "outof" {
		var err error
		if n, err = p.threshold(); err != nil {
			return nil, err
		}
	}
	rules, err := p.args(kind == "outof")
	if err != nil {
		return nil, err
	}
	return p.newGate(kind, n, rules)
}

// args reads the arguments of a gate up to the closing parenthesis;
// afterThreshold says a threshold was read, so a comma comes first.
func (p *parser) args(afterThreshold bool) ([]*rule, error) {
	var rules []*rule
	for first := !afterThreshold; ; first = false {
		if p.peek() == ')' {
			p.pos++
			return rules, nil
		}
		if !first {
			if err := p.expect(','); err != nil {
				return nil, p.errorf("expected ',' or ')'")
			}
		}
		r, err := p.arg()
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
}

// arg reads a quoted principal or a nested gate.
func (p *parser) arg() (*rule, error) {
	switch c := p.peek(); {
	case c == 0:
		return nil, p.errorf("unexpected end of the policy")
	case isAlnum(c):
		return p.gate()
	case c != '\'' && c != '"':
		return nil, p.errorf("expected a quoted principal or a gate")
	}
	s, err := p.quoted()
	if err != nil {
		return nil, err
	}
	m := principalPattern.FindStringSubmatch(s)
	if m == nil {
		return nil, p.errorf("invalid principal %q, want 'MSPID.member|admin|client|peer|orderer'", s)
	}
	return &rule{principal: &principal{mspID: m[1], role: roles[m[2]]}}, nil
}

// roles maps the role names of the policy syntax to MSP roles.
var roles = map[string]msp.MSPRole_MSPRoleType{
	"member": msp.MSPRole_MEMBER, "admin": msp.MSPRole_ADMIN, "client": msp.MSPRole_CLIENT,
	"peer": msp.MSPRole_PEER, "orderer": msp.MSPRole_ORDERER,
}

// threshold reads the number of an OutOf, bare or quoted as the peer
// allows.
func (p *parser) threshold() (int, error) {
	var s string
	if c := p.peek(); c == '\'' || c == '"' {
		var err error
		if s, err = p.quoted(); err != nil {
			return 0, err
		}
	} else {
		sign := ""
		if p.peek() == '-' {
			sign = "-"
			p.pos++
		}
		s = sign + p.word()
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, p.errorf("expected the OutOf threshold, an integer, got %q", s)
	}
	return n, nil
}

func (p *parser) newGate(kind string, n int, rules []*rule) (*rule, error) {
	if len(rules) == 0 {
		return nil, p.errorf("%s needs at least one principal or gate", kind)
	}
	switch kind {
	case "and":
		n = len(rules)
	case "or":
		n = 1
	}
	if n < 0 || n > len(rules)+1 {
		return nil, p.errorf("invalid t-out-of-n predicate, t %d, n %d", n, len(rules))
	}
	return &rule{n: n, rules: rules}, nil
}
