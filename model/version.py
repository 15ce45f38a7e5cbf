"""The model's version, in its own module so that light import paths (a sweep's
coordinator and workers) can record it without importing pandas."""

MODEL_VERSION = "0.1.0"
