package consortium

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/topology"
)

// A channel update travels between orgs as a file in the shared area
// (HOME/channels/CHANNEL/updates): each org whose admin must sign it
// signs it where it keeps its keys, with the key in its own folder, and
// one of them submits it. Reconcile on one machine goes through the same
// three steps (PlanUpdateFile, SignUpdateFile, SubmitUpdateFile) from
// each org's folder in turn, so the multi-party path is the one tested.

// ExchangeError is a step of a channel update's exchange that failed:
// which step, which file, as which org.
type ExchangeError struct {
	Step string // "plan", "sign" or "submit"
	File string
	Org  string
	Err  error
}

func (e *ExchangeError) Error() string {
	if e.Org == "" {
		return fmt.Sprintf("%s %s: %v", e.Step, e.File, e.Err)
	}
	return fmt.Sprintf("%s %s as the admin of %s: %v", e.Step, e.File, e.Org, e.Err)
}

func (e *ExchangeError) Unwrap() error { return e.Err }

// updateFile is where a plan's update is written for the orgs to sign.
func (c *Consortium) updateFile(plan *channelcfg.Plan) string {
	return filepath.Join(c.Home.Updates(plan.Channel), fmt.Sprintf("config-%d.pb", plan.Sequence+1))
}

// PlanUpdateFile writes the config update that brings a channel to the
// topology into a file, signed by nobody yet, and returns the file with
// the plan ("" and an empty plan when the channel already matches).
func (c *Consortium) PlanUpdateFile(ctx context.Context, channel string) (string, *channelcfg.Plan, error) {
	if c.Topo.Channel(channel) == nil {
		return "", nil, fmt.Errorf("channel %s is not in the topology", channel)
	}
	cfg, err := c.fetchConfig(ctx, channel)
	if err != nil {
		return "", nil, fmt.Errorf("channel %s: %w", channel, err)
	}
	want, err := channelcfg.WantOf(c.channelSpec(channel))
	if err != nil {
		return "", nil, err
	}
	plan, err := channelcfg.NewPlan(channel, cfg, want)
	if err != nil || plan.Empty() {
		return "", plan, err
	}
	u, err := plan.Update()
	if err != nil {
		return "", nil, err
	}
	file := c.updateFile(plan)
	if err := u.WriteFile(file); err != nil {
		return "", nil, &ExchangeError{Step: "plan", File: file, Err: err}
	}
	return file, plan, nil
}

// SignUpdateFile adds org's admin signature to the update in file, made
// with the key in that org's own folder and nowhere else, and returns
// the MSP ids that have signed it. Signing twice adds nothing.
func (c *Consortium) SignUpdateFile(file, orgName string) ([]string, error) {
	org := c.Topo.Org(orgName)
	if org == nil {
		return nil, &ExchangeError{Step: "sign", File: file, Org: orgName, Err: errors.New("no such org in the topology")}
	}
	mspDir := c.Home.UserMSP(org.Name, adminUser(org))
	signed, err := signFile(file, org.MSPID, mspDir)
	if err != nil {
		return nil, &ExchangeError{Step: "sign", File: file, Org: org.Name, Err: err}
	}
	fmt.Fprintf(c.Out, "  %s signed as the admin of %s (%s) with the key in %s; signed by %v\n",
		filepath.Base(file), org.Name, org.MSPID, mspDir, signed)
	return signed, nil
}

func signFile(file, mspID, mspDir string) ([]string, error) {
	u, err := channelcfg.ReadUpdateFile(file)
	if err != nil {
		return nil, err
	}
	signer, err := channelcfg.SignerFromMSP(mspID, mspDir)
	if err != nil {
		return nil, err
	}
	if !u.SignedAs(mspID, signer.Certificate) {
		if err := channelcfg.Sign(u, signer); err != nil {
			return nil, err
		}
		if err := u.WriteFile(file); err != nil {
			return nil, err
		}
	}
	return u.SignedBy()
}

// SubmitUpdateFile checks the update in file against its channel's
// current config (channelcfg.Check: every signature an admin's that
// verifies, the policies met; otherwise it names the orgs still to sign)
// and submits it as org's admin, by default the first signer's, then
// waits until the orderers serve the new config.
func (c *Consortium) SubmitUpdateFile(ctx context.Context, file, orgName string) error {
	u, err := channelcfg.ReadUpdateFile(file)
	if err != nil {
		return &ExchangeError{Step: "submit", File: file, Org: orgName, Err: err}
	}
	current, err := c.fetchConfig(ctx, u.Channel)
	if err != nil {
		return &ExchangeError{Step: "submit", File: file, Org: orgName, Err: fmt.Errorf("channel %s: %w", u.Channel, err)}
	}
	signed, err := channelcfg.Check(current, u)
	if err != nil {
		return &ExchangeError{Step: "submit", File: file, Org: orgName, Err: err}
	}
	org, err := c.submitter(orgName, signed)
	if err != nil {
		return &ExchangeError{Step: "submit", File: file, Org: orgName, Err: err}
	}
	args := append([]string{"channel", "update", "-f", file, "-c", u.Channel}, c.ordererFlags()...)
	if _, err := c.adminCLI(org).Run(ctx, args...); err != nil {
		return &ExchangeError{Step: "submit", File: file, Org: org.Name, Err: err}
	}
	fmt.Fprintf(c.Out, "  %s submitted to %s as the admin of %s, signed by the admins of %v\n", filepath.Base(file), u.Channel, org.MSPID, signed)
	return c.waitConfig(ctx, u.Channel, current.GetSequence())
}

// submitter is the org named, or the first signer's.
func (c *Consortium) submitter(orgName string, signed []string) (*topology.Org, error) {
	if orgName != "" {
		if o := c.Topo.Org(orgName); o != nil {
			return o, nil
		}
		return nil, errors.New("no such org in the topology")
	}
	if len(signed) == 0 {
		return nil, errors.New("nobody signed the update: name the org to submit it as (--org)")
	}
	if o := c.orgOfMSP(signed[0]); o != nil {
		return o, nil
	}
	return nil, fmt.Errorf("%s signed first but is not an org of the topology: name the org to submit it as (--org)", signed[0])
}
