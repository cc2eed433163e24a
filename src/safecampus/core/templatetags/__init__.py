"""Template tags and filters for SafeCampus templates."""
