"""Shared shape of the workflow's Lambda handlers: the event is the task's Parameters."""

from __future__ import annotations


def deps_or_default(deps):
    if deps is not None:
        return deps
    from storytime.aws_deps import aws_deps  # imported late: boto3 only on AWS

    return aws_deps()
