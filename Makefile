# carechain — every target is a short script over carenet (network/cmd/carenet)
# and the Go toolchain. `make help` lists them.
SHELL := /usr/bin/env bash
CARENET := scripts/carenet.sh

.PHONY: help build demo up deploy down clean status logs test unit e2e bench bench-readme lint fuzz chaos

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

build: ## carectl and carenet into bin/
	go build -o bin/ ./client/cmd/carectl ./network/cmd/carenet

demo: ## fresh machine to a running consortium and a short story through it
	scripts/demo.sh

up: ## start the consortium (idempotent): CAs, orderers, peers, channels, chaincode
	$(CARENET) up

deploy: ## package, install, approve and commit changed chaincode
	$(CARENET) deploy

down: ## stop every node, keep all data
	$(CARENET) down

clean: ## stop every node and remove all state
	$(CARENET) clean

status: ## which nodes run; block height per channel and node
	$(CARENET) status

logs: ## list node logs; NODE=peer0.provider prints the end of one
	$(CARENET) logs $(NODE)

test: lint unit e2e ## lint, unit tests, then end-to-end tests on a network the run starts and stops

unit: ## vet and unit tests (in-memory stub, no network)
	go vet ./...
	go test -count=1 ./...

e2e: ## end-to-end tests against a real consortium started for the run
	scripts/e2e.sh

bench: ## every domain's write at 1/40/200 in flight and each query beside the baseline, in one run: JSON in bench/last.json, the README's table regenerated from it (BENCH_README=0: not)
	scripts/bench.sh

bench-readme: ## make bench, README table included (for a quiet machine)
	scripts/bench-readme.sh

lint: ## gofmt, go vet, golangci-lint v2 (.golangci.yml: no function over 40 lines or complexity 15)
	scripts/lint.sh

fuzz: ## run every fuzz test for FUZZTIME (default 10s) each
	scripts/fuzz.sh

chaos: ## kill nodes, down/up, reset links under load on a consortium of its own; ledger checked (about 4 min)
	scripts/chaos.sh
