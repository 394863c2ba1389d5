# The two commands of the README: `make demo` (main job) and `make test` (all tests).
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: setup bed test unit lint demo demo-clean build bench bench-inventory bench-site bench-emulator

setup:
	bash tools/setup-host.sh
	bash tools/setup-venv.sh

# Docker engine + the cached Debian 12/13 systemd base images (Molecule, the demo).
bed: setup
	bash tools/containerbed.sh ensure

# Everything: unit, integration (real rsyslogd, playbooks, emulator), every Molecule scenario, the demo.
test: bed lint
	$(VENV)/pytest tests

# ansible-lint's production profile over the whole repo (collection, roles, playbooks, Molecule); .ansible-lint.
lint: setup
	$(VENV)/ansible-lint --profile production

unit: setup
	$(VENV)/pytest tests/unit

# The local demo: emulator + container fleet, then site.yml through the dynamic inventory.
demo:
	bash tools/demo.sh

demo-clean:
	bash tools/demo-clean.sh

build:
	$(VENV)/ansible-galaxy collection build --force --output-path .cache/build .

bench: bench-inventory bench-site

bench-inventory: setup
	$(VENV)/python bench/inventory_bench.py

bench-emulator: setup
	$(VENV)/python bench/emulator_bench.py

bench-site: setup
	$(VENV)/python bench/site_bench.py
