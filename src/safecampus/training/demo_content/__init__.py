"""The demo training content: `manifest.yaml` in the content package format (docs/training-packages.md)."""
