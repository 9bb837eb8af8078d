package consortium

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/carechain/carechain/network/channelcfg"
	"github.com/carechain/carechain/network/topology"
)

// adminGateway is a fabric-gateway connection as an org's admin through
// the org's first peer: how carenet submits the transactions an admin
// signs (the parts registry's governance). close releases it.
func (c *Consortium) adminGateway(org *topology.Org) (gw *client.Gateway, closeFn func(), err error) {
	signer, err := channelcfg.SignerFromMSP(org.MSPID, c.Home.UserMSP(org.Name, adminUser(org)))
	if err != nil {
		return nil, nil, err
	}
	id, err := identity.NewX509Identity(org.MSPID, signer.Certificate)
	if err != nil {
		return nil, nil, err
	}
	sign, err := identity.NewPrivateKeySign(signer.PrivateKey)
	if err != nil {
		return nil, nil, err
	}
	conn, err := c.dialPeer(org)
	if err != nil {
		return nil, nil, err
	}
	gw, err = client.Connect(id, client.WithSign(sign), client.WithHash(hash.SHA256), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(30*time.Second), client.WithEndorseTimeout(30*time.Second),
		client.WithSubmitTimeout(30*time.Second), client.WithCommitStatusTimeout(time.Minute))
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return gw, func() { gw.Close(); conn.Close() }, nil
}

// dialPeer is a gRPC connection to the org's first peer over TLS.
func (c *Consortium) dialPeer(org *topology.Org) (*grpc.ClientConn, error) {
	var peer *topology.Node
	for _, n := range c.nodesOf(topology.KindPeer) {
		if n.Org.Name == org.Name {
			peer = &n
			break
		}
	}
	if peer == nil {
		return nil, fmt.Errorf("%s runs no peer to submit through", org.Name)
	}
	root, err := os.ReadFile(c.Home.CACert(org.Name))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(root) {
		return nil, errors.New("no CA certificate in " + c.Home.CACert(org.Name))
	}
	return grpc.NewClient(peer.Address(), grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, peer.Host)))
}
