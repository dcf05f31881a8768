# Two commands do all the set-up on a fresh machine:
#   make demo   - sandbox sync of every connector into DuckDB (through PyAirbyte), with a summary
#   make test   - lint and the whole test suite (as root it first apt-installs the image tools if missing)
# Packaging: make wheels (dist/), make images (one container image per connector, see scripts/images.sh)
# Meltano: make meltano (Meltano from PyPI in its own venv, build/meltano-<version>, linked as build/bin/meltano)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CONNECTORS := $(wildcard connectors/source-*)
DIST ?= dist
PACKAGES := shared/pyproject.toml sandbox/pyproject.toml $(wildcard connectors/source-*/pyproject.toml)
MELTANO_VERSION := 4.4.1
MELTANO_VENV := build/meltano-$(MELTANO_VERSION)

.PHONY: venv test lint demo bench clean wheels wheelhouse image-tools images meltano

$(STAMP): requirements-dev.txt $(PACKAGES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e "shared[singer]" -e sandbox $(addprefix -e ,$(CONNECTORS))
	touch $(STAMP)

venv: $(STAMP)

lint: venv
	$(BIN)/ruff check .

test: venv lint image-tools
	$(BIN)/python -m pytest

demo: venv
	$(BIN)/python scripts/demo.py

bench: venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python bench/run.py

# Build trees (*/build) are removed before and after: setuptools never prunes them, so a stale copy
# of a deleted module would end up in the wheel. SOURCE_DATE_EPOCH makes the wheels byte-reproducible,
# so unchanged code keeps the image build's layer cache.
wheels: venv
	rm -rf $(DIST) shared/build $(addsuffix /build,$(CONNECTORS))
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 315532800) \
	  $(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps -w $(DIST) ./shared $(addprefix ./,$(CONNECTORS))
	rm -rf shared/build $(addsuffix /build,$(CONNECTORS))
	@ls $(DIST)

wheelhouse: wheels
	scripts/images.sh wheelhouse

# Idempotent: installs podman, buildah, debootstrap and runc with apt when run as root and missing.
image-tools:
	@scripts/images.sh tools

images: image-tools wheels
	scripts/images.sh build

# Kept between runs (build/ is git-ignored): a second `make meltano` does nothing.
$(MELTANO_VENV)/bin/meltano:
	rm -rf $(MELTANO_VENV)
	$(PYTHON) -m venv $(MELTANO_VENV)
	$(MELTANO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check meltano==$(MELTANO_VERSION)

meltano: $(MELTANO_VENV)/bin/meltano
	mkdir -p build/bin && ln -sf ../meltano-$(MELTANO_VERSION)/bin/meltano build/bin/meltano

clean:
	rm -rf $(VENV) build dist demo-output .pytest_cache .ruff_cache
