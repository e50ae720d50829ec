# Two commands for a newcomer: `make demo` and `make test`. `make bench` prints the figures.
# Every target installs what it is missing first (scripts/bootstrap.sh), and skips what is there.
# Every cargo and trunk command runs --locked: Cargo.lock is used as it is, never updated.
SHELL := bash
CARGO_BIN := $(or $(CARGO_INSTALL_ROOT),$(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PORT ?= 8080

.PHONY: demo test bench build tools sandbox fmt lint

## Build the app, start the sandbox on 127.0.0.1:$(PORT) serving it, print the URL and demo tokens.
demo: build sandbox
	scripts/demo.sh

## Everything: format and lints, native unit tests, browser tests, end-to-end tests.
test:
	scripts/test.sh

## Bundle sizes against a minimal Yew app, and the scanner against the regex crate.
bench:
	scripts/bench.sh

tools:
	scripts/bootstrap.sh build

build: tools
	trunk build --release --offline --locked

sandbox:
	cargo build -p dt-sandbox --locked

fmt:
	cargo fmt --all

## What `make test` checks first.
lint: tools
	scripts/lint.sh
