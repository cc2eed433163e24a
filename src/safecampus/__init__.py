"""SafeCampus: school safety risk prevention and control platform."""

__version__ = "0.1.0"
