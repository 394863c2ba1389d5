# The two commands of the README: `make demo` (main job) and `make test` (all tests).
SHELL := /bin/bash
VENV := .venv/bin
# Bare `make` prints the targets; it never installs anything.
.DEFAULT_GOAL := help

.PHONY: help setup bed image ee test unit units sanity lint demo demo-alarm demo-clean build docs bench bench-inventory bench-site bench-fleet bench-emulator bench-verify bench-journal bench-files bench-alarm mutation

# This list: every target with the first line of the comment above it.
help:
	@awk '/^# / { if (!doc) doc = substr($$0, 3); next } \
	     /^[a-z][a-z-]*:/ { split($$0, t, ":"); if (doc != "") printf "  %-16s %s\n", t[1], doc; doc = ""; next } \
	     { doc = "" }' $(MAKEFILE_LIST)

# Host packages (apt-get as root: rsyslog, docker.io, packer, ...) and the venv (tools/setup-host.sh, setup-venv.sh).
setup:
	bash tools/setup-host.sh
	bash tools/setup-venv.sh

# Docker engine + the cached Debian 12/13 systemd base images (Molecule, the demo).
bed: setup
	bash tools/containerbed.sh ensure

# The agent image (docs/docsite/rst/guide_bake_images.rst) with packer, from the bed's Debian 12 image.
# packer build -only=docker of packer/alicloud-agent.json. Packer arguments in PACKER_ARGS, e.g. PACKER_ARGS="-var bake_vars=@vars.yml".
image: bed
	bash packer/build.sh $(PACKER_ARGS)

# The execution environment image alicloud-ops-logging-ee:<galaxy.yml version> (tools/build-ee.sh, ansible-builder).
ee: setup
	bash tools/build-ee.sh build $(EE_ARGS)

# Every test: sanity, lint, units, pytest, Molecule and the demo (tools/test.sh; about an hour).
# The ecosystem gates (sanity, lint, ansible-test units) while the container bed builds, then pytest on
# unit, integration (real rsyslogd, playbooks, emulator, the artifact, ansible-builder), every Molecule scenario and
# the demo (tools/test.sh; a summary line per step at the end).
test: setup
	bash tools/test.sh

# ansible-test sanity on the built collection for ansible-core 2.18-2.21, offline (tools/sanity/run.sh).
# Each release runs on a controller Python it supports (tools/sanity/pythons.sh).
# One version or one test: tools/sanity/run.sh 2.19.14 -- --test validate-modules
sanity: setup
	bash tools/sanity/run.sh

# ansible-lint's production profile over the whole repo (collection, roles, playbooks, Molecule); .ansible-lint.
lint: setup
	$(VENV)/ansible-lint --profile production

# pytest on tests/unit only (about three minutes on two cores).
unit: setup
	$(VENV)/pytest tests/unit

# Mutation testing (mutmut 3) of plugins/module_utils and plugins/plugin_utils against the unit tests (tools/mutation/run.py).
# Per file and in total: mutants, killed, survived, kill rate, and every surviving mutant's diff; the report is also
# written to .cache/mutation/report.txt and report.json. Each file measured whole is kept as its verdict in
# tools/mutation/verdicts (with its source's hash): `make mutation` runs, one at a time, the files whose verdict is
# missing or stale (MUTATION_ARGS="--budget 60": start none after an hour), then reports over every file from its
# verdict; MUTATION_ARGS=--assemble only reports. A subset: FILES="plugins/module_utils/x.py ..." (against the test files
# that import them; TESTS="tests/unit/..." chooses them), more mutants at once: MAX_CHILDREN=2. It fails when the total
# kill rate is under MUTATION_FLOOR (default 95, issue 25's goal).
mutation:
	$(VENV)/python tools/mutation/run.py --verdicts tools/mutation/verdicts --max-children $(or $(MAX_CHILDREN),1) \
	  --floor $(or $(MUTATION_FLOOR),95) \
	  $(if $(FILES),--files $(FILES)) \
	  $(if $(TESTS),--tests $(TESTS)) $(MUTATION_ARGS)

# ansible-test units on tests/unit/plugins, offline: the whole suite on 2.21, core-dependent tests on 2.18-2.20.
# After checking the tests/unit layout (tools/sanity/units.sh); the releases run side by side. The whole suite on
# another release: tools/sanity/units.sh 2.18.19
units: setup
	bash tools/sanity/units.sh

# The local demo: emulator + container fleet, then site.yml through the dynamic inventory.
demo:
	bash tools/demo.sh

# After make demo: the alarms on the fleet; a host goes silent and the webhook is notified (tools/demo_alarm.py).
demo-alarm: setup
	$(VENV)/python tools/demo_alarm.py

# Stop the demo: its containers and the emulator (tools/demo-clean.sh).
demo-clean:
	bash tools/demo-clean.sh

# The collection tarball, .cache/build/alicloud_ops-logging-<galaxy.yml version>.tar.gz.
build:
	$(VENV)/ansible-galaxy collection build --force --output-path .cache/build .

# The docs site (antsibull-docs + Sphinx, offline) from the built collection: .cache/docs/site/build/html.
docs: setup
	bash tools/build-docs.sh .cache/docs

# The inventory and site.yml benchmarks (bench-inventory, bench-site).
bench: bench-inventory bench-site

# Inventory plugin benchmark against the emulator (bench/inventory_bench.py).
bench-inventory: setup
	$(VENV)/python bench/inventory_bench.py

# The emulator's own throughput (bench/emulator_bench.py).
bench-emulator: setup
	$(VENV)/python bench/emulator_bench.py

# site.yml round trips and time per host (bench/site_bench.py).
bench-site: setup
	$(VENV)/python bench/site_bench.py

# site.yml on fleets of 3, 10, 20 and 50 container hosts: first run, idempotent run, ping, per-host slope.
# bench/fleet_bench.py (issue 24; builds each fleet with DEMO_FLEET=N tools/demo.sh); arguments in FLEET_ARGS,
# e.g. FLEET_ARGS="--sizes 20 --forks 10 --label forks10".
bench-fleet: setup bed
	$(VENV)/python bench/fleet_bench.py $(FLEET_ARGS)

# rsyslog's journal input under load in the container bed (bench/journal_input_bench.py).
bench-journal: setup bed
	$(VENV)/python bench/journal_input_bench.py

# File sources on the Logtail stand-in: per-source delay and lines per second (bench/file_sources_bench.py).
bench-files: setup
	$(VENV)/python bench/file_sources_bench.py

# Silent host to notification, against the alarm's window (bench/alarm_bench.py; needs make demo).
bench-alarm: setup
	$(VENV)/python bench/alarm_bench.py

# Log search verification against the running demo (bench/verify_bench.py; needs make demo).
bench-verify: setup
	$(VENV)/python bench/verify_bench.py
