# The two commands of the README: `make demo` (main job) and `make test` (all tests).
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: setup bed image test unit units sanity lint demo demo-clean build docs bench bench-inventory bench-site bench-emulator bench-verify bench-journal

setup:
	bash tools/setup-host.sh
	bash tools/setup-venv.sh

# Docker engine + the cached Debian 12/13 systemd base images (Molecule, the demo).
bed: setup
	bash tools/containerbed.sh ensure

# The agent image (docs/docsite/rst/guide_bake_images.rst): packer build -only=docker of packer/alicloud-agent.json from the
# bed's Debian 12 image. Packer arguments in PACKER_ARGS, e.g. PACKER_ARGS="-var bake_vars=@vars.yml".
image: bed
	bash packer/build.sh $(PACKER_ARGS)

# Everything: the ecosystem gates (sanity, lint, ansible-test units) while the container bed builds, then pytest on
# unit, integration (real rsyslogd, playbooks, emulator, the artifact, ansible-builder), every Molecule scenario and
# the demo (tools/test.sh; a summary line per step at the end).
test: setup
	bash tools/test.sh

# ansible-test sanity on the built collection for ansible-core 2.16-2.19, offline (tools/sanity/run.sh).
# One version or one test: tools/sanity/run.sh 2.19.14 -- --test validate-modules
sanity: setup
	bash tools/sanity/run.sh

# ansible-lint's production profile over the whole repo (collection, roles, playbooks, Molecule); .ansible-lint.
lint: setup
	$(VENV)/ansible-lint --profile production

unit: setup
	$(VENV)/pytest tests/unit

# ansible-test units on the plugin unit tests (tests/unit/plugins) for ansible-core 2.19 on Python 3.11, offline,
# after checking the tests/unit layout (tools/sanity/units.sh). Other releases: tools/sanity/units.sh 2.18.19
units: setup
	bash tools/sanity/units.sh

# The local demo: emulator + container fleet, then site.yml through the dynamic inventory.
demo:
	bash tools/demo.sh

demo-clean:
	bash tools/demo-clean.sh

build:
	$(VENV)/ansible-galaxy collection build --force --output-path .cache/build .

# The docs site (antsibull-docs + Sphinx, offline) from the built collection: .cache/docs/site/build/html.
docs: setup
	bash tools/build-docs.sh .cache/docs

bench: bench-inventory bench-site

bench-inventory: setup
	$(VENV)/python bench/inventory_bench.py

bench-emulator: setup
	$(VENV)/python bench/emulator_bench.py

bench-site: setup
	$(VENV)/python bench/site_bench.py

bench-journal: setup bed
	$(VENV)/python bench/journal_input_bench.py

# Needs the demo running (make demo).
bench-verify: setup
	$(VENV)/python bench/verify_bench.py
