# worksheet-gen: `make` sets everything up and builds sources/ into build/; `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build test test-quick tools mutation clean bench docs-img messages fonts hyphens

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# compat: the checkout is put on sys.path by a .pth line, as an installed package is found; the default
	# editable mode imports a finder module in every process, about 12 ms of each command's start-up.
	$(BIN)/pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/worksheet-gen build

# The whole suite: the PDF tools are installed first when they can be, else it fails naming them.
test: $(STAMP) tools
	$(BIN)/python -m pytest

# The quick subset, without the PDF tools: the tests that need one are skipped (docs/testing.md).
test-quick: $(STAMP)
	WORKSHEET_GEN_QUICK=1 $(BIN)/python -m pytest

tools:
	@sh tests/tools.sh

# Each mutation of tests/mutation/mutations.py under the suite (about an hour on a busy machine; docs/testing.md).
mutation: $(STAMP) tools
	$(BIN)/python tests/mutation/run.py

clean:
	rm -rf build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench.py $(CASES)

# What the package derives from its fonts, written again after a font, reportlab or Python changes: the glyph
# coverage of each family, and the faces as reportlab parses them (tests/test_shippedfaces.py checks them).
fonts: $(STAMP)
	$(BIN)/python -m worksheet_gen.fonts
	$(BIN)/python -m worksheet_gen.shippedfaces

# pyphen's hyphenation patterns, parsed, written again after pyphen changes (tests/test_hyphtables.py checks them).
hyphens: $(STAMP)
	$(BIN)/python -m worksheet_gen.hyphtables

docs-img: $(STAMP)
	$(BIN)/python docs/img/render.py

# The French catalogue: extract the messages of the code (pybabel), merge them into the .po (whose new
# entries a translator then fills in), compile the .mo the package ships. tests/test_i18n.py checks all three.
LOCALE := worksheet_gen/locale
messages: $(STAMP)
	$(BIN)/pybabel extract --add-location=file --sort-by-file --omit-header -k _n:1,2 -o $(VENV)/worksheet_gen.pot worksheet_gen
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i $(VENV)/worksheet_gen.pot -d $(LOCALE) -D worksheet_gen
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D worksheet_gen
