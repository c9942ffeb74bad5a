"""What is generated from the package and published: sizes and hashes, the data dictionary,
and the release artefacts."""
