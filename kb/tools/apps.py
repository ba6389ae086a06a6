from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Development tooling, installed by the development and test settings only: benchmarks, the Lighthouse audit, synthetic data."""

    name = "kb.tools"
    label = "tools"
    verbose_name = "Tools"
