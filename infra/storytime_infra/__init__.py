"""storytime on AWS: one CDK stack (see stack.StorytimeStack)."""
