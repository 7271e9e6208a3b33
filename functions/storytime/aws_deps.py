"""Entry-point wiring for Lambda on AWS: settings from the environment, AWS adapters."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from storytime.metrics.powertools import PowertoolsMetrics
from storytime.objects.s3 import S3ObjectStore
from storytime.records.dynamodb import DynamoRecordStore
from storytime.service.deps import Deps
from storytime.settings import Settings
from storytime.workflow.stepfunctions import StepFunctionsWorkflow


@cache
def aws_deps() -> Deps:
    settings = Settings.from_env()
    return Deps(
        settings=settings,
        records=DynamoRecordStore(settings.table),
        objects=S3ObjectStore(settings.bucket),
        workflow=StepFunctionsWorkflow(settings.state_machine_arn),
        metrics=PowertoolsMetrics(),
    )


@cache
def aws_reader_deps() -> Deps:
    """The dense-page reader Lambda (a container image with Tesseract): the AWS deps plus the engine."""
    from storytime.ocr.runner_api import ApiRunner
    from storytime.ocr.tesseract import TesseractDetectText

    # Tesseract in the process, its models kept warm between the invocations a container serves.
    return replace(aws_deps(), ocr=TesseractDetectText(runner=ApiRunner()))
