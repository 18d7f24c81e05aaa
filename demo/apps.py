from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Made-up worlds: the demo (``seed_demo``) and the large data set for benchmarks
    (``generate_large_dataset``). On top of the house: it fills every app."""

    name = "demo"
