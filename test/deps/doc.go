// Package deps holds no code: its test checks what the client side of
// carechain links. The client library, carectl and carebench share
// with the chaincodes only their wire packages (chaincode/<name>/wire) and
// the chaincode kit's leaves that import only the standard library
// (LeafPackages), never a contract package, the shim, the contract API
// or the contract API's JSON schema and OpenAPI dependencies. The e2e,
// chaos and bench tests import no other chaincode package either.
package deps
