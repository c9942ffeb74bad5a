"""What a contribution needs beyond its rows, done by the machine: `make pr-check` (derived
files regenerated, the change validated, its rows and version bump named) and
`make prepare-release` (the version computed and written everywhere)."""
