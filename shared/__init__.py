"""What the identity provider and the relying parties have in common. Nothing domain-specific."""
