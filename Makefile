# rk's developer tasks. `make` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

FUZZTIME ?= 30s

.PHONY: help test testrace fuzz bench lint generate golden release-check

help: ### list the targets
	@grep -E '^[a-z-]+:.*### ' $(MAKEFILE_LIST) | sed -E 's/:.*### /\t/' | expand -t 16

test: ### the whole suite, as CI runs it (installs redis-server/redis-tools when missing)
	./scripts/test

testrace: ### every package under the race detector (slow)
	RK_TEST_DISALLOW_SKIP=1 go test -count=1 -race -timeout 20m ./...

fuzz: ### run each fuzz target for FUZZTIME (default 30s)
	@set -e; grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . | while read -r file; do \
		dir=$$(dirname "$$file"); \
		for target in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$$file" | cut -d' ' -f2); do \
			echo "== $$dir $$target"; \
			go test "./$${dir#./}" -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s; \
		done; \
	done

bench: ### Go benchmarks, then redis-benchmark against rk and redis-server side by side
	./scripts/bench

lint: ### gofmt, go vet, the import rule (and golangci-lint when configured)
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*')); \
		if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go test -count=1 -run 'TestImportRule' .
	@if [ -f .golangci.yml ] && command -v golangci-lint >/dev/null; then golangci-lint run ./...; fi

generate: ### re-capture internal/command's facts from a Redis 7.4 (REDIS_SERVER=... or REDIS_ADDR=...)
	./scripts/generate

golden: ### rewrite golden files and generated docs (go test -update where tests have it)
	@set -e; for dir in $$(grep -rlE --include='*_test.go' 'flag\.Bool\("update"' . | xargs -n1 dirname | sort -u); do \
		echo "== go test $$dir -update"; \
		go test -count=1 "./$${dir#./}" -update; \
	done

release-check: ### validate goreleaser.yaml (needs goreleaser v2)
	goreleaser check
