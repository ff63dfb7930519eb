"""Gradio UI: one module per tab, each with ``build(services)``; ``app.build_app`` assembles them."""
