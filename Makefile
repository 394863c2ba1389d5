# The two commands of the README: `make demo` (main job) and `make test` (all tests).
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: setup test unit demo demo-clean build docs-check

setup:
	bash tools/setup-host.sh
	bash tools/setup-venv.sh

test: setup
	$(VENV)/pytest tests

unit: setup
	$(VENV)/pytest tests/unit

# Until the container demo lands, the main job runs site.yml on this machine in check mode.
demo: setup
	$(VENV)/ansible-playbook site.yml --check --diff

demo-clean:
	@echo "nothing to clean yet"

build:
	$(VENV)/ansible-galaxy collection build --force --output-path .cache/build .
