"""Care plans: filled in by the issues that build this part of the domain."""
