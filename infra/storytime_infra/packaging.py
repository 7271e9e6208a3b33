"""What the Lambda functions run: the code from functions/, a dependency layer, the reader image.

Synthesis stays offline. The zip code is copied as it is (no bundling); the
layer is bundled only when a deploy asks for it (``aws:cdk:bundling-stacks``,
which ``make synth`` and the tests set to none), with pip's own cross-platform
download and no Docker; the Tesseract reader's image is built by the CDK
toolkit at deploy time (synthesis only stages its build context), so Docker is
needed for ``make deploy`` and never for ``make synth``.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, IgnoreMode, ILocalBundling
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_lambda as lambda_

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"
LAYER_DIR = Path(__file__).resolve().parents[1] / "layer"
READER_DOCKERFILE = "infra/reader/Dockerfile"

RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64

# The one-machine platform (moto, local engines, the HTTP server) and the CLI
# never reach AWS.
# The text detector's model (4.7 MB) only the reader image needs.
CODE_EXCLUDE = ["storytime/local", "storytime/cli.py", "storytime/ocr/models", "**/__pycache__", "*.egg-info"]

# The reader image's build context is the repository root, cut down to what the
# Dockerfile copies (Docker's own .dockerignore syntax).
READER_CONTEXT_EXCLUDE = [
    "*",
    "!functions/storytime",
    "!infra/reader",
    "!constraints.txt",
    "functions/storytime/local",
    "**/__pycache__",
]


def layer_requirements() -> list[str]:
    """The runtime dependencies and the AWS-only ones (Powertools), pinned exactly as pyproject.toml pins them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return list(project["dependencies"]) + list(project["optional-dependencies"]["aws"])


@jsii.implements(ILocalBundling)
class _PipForLambda:
    """Bundle the layer with pip's --platform download: wheels for Lambda's arm64, no Docker."""

    def __init__(self, requirements: list[str]):
        self._requirements = requirements

    def try_bundle(self, output_dir: str, *, image=None, **_options) -> bool:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", f"{output_dir}/python",
             "--platform", "manylinux2014_aarch64", "--implementation", "cp",
             "--python-version", RUNTIME.name.removeprefix("python"), "--only-binary=:all:",
             *self._requirements],
            check=True,
        )
        return True


def code() -> lambda_.Code:
    return lambda_.Code.from_asset(str(FUNCTIONS_DIR), exclude=CODE_EXCLUDE)


def dependencies_layer_code() -> lambda_.Code:
    requirements = layer_requirements()
    pip = " ".join(requirements)
    return lambda_.Code.from_asset(
        str(LAYER_DIR),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=hashlib.sha256(f"{RUNTIME.name}:{pip}".encode()).hexdigest(),
        bundling=BundlingOptions(
            image=RUNTIME.bundling_image,
            command=["bash", "-c", f"pip install --quiet --target /asset-output/python {pip}"],
            local=_PipForLambda(requirements),
        ),
    )


def reader_image(handler: str) -> lambda_.DockerImageCode:
    return lambda_.DockerImageCode.from_image_asset(
        str(ROOT),
        file=READER_DOCKERFILE,
        cmd=[handler],
        platform=ecr_assets.Platform.LINUX_ARM64,
        exclude=READER_CONTEXT_EXCLUDE,
        ignore_mode=IgnoreMode.DOCKER,
    )


__all__ = ["ARCHITECTURE", "RUNTIME", "code", "dependencies_layer_code", "reader_image"]
