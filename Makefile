# Two commands for a newcomer: `make demo` and `make test`. `make bench` prints the figures.
# Every target installs what it is missing first (scripts/bootstrap.sh), and skips what is there.
SHELL := bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PORT ?= 8080

.PHONY: demo test bench build tools sandbox fmt lint

## Build the app, start the sandbox on 127.0.0.1:$(PORT) serving it, print the URL and demo tokens.
demo: build sandbox
	scripts/demo.sh

## Everything: native unit tests, browser tests, end-to-end tests.
test:
	scripts/test.sh

## Bundle sizes against a minimal Yew app, and the scanner against the regex crate.
bench:
	scripts/bench.sh

tools:
	scripts/bootstrap.sh build

build: tools
	trunk build --release --offline

sandbox:
	cargo build -p dt-sandbox

fmt:
	cargo fmt --all

lint:
	cargo clippy --workspace --all-targets
