"""kubectl fixes with real names, and the validator every proposed command passes before it is shown."""
