# Instruments (intake, PHQ-9, GAD-7), assignments and responses arrive with the
# initial-phase work; see docs/architecture.md.
