# storytime: `make run` serves the API on http://127.0.0.1:$(STORYTIME_PORT);
# `make test` runs every test. Both install what they need first.

VENV ?= .venv
PYTHON ?= python3
STORYTIME_PORT ?= 8000
STORYTIME_DATA ?= ./.storytime
export STORYTIME_PORT STORYTIME_DATA

# Debian packages: OCR (Tesseract: Korean, English, French, Spanish, German),
# speech (espeak-ng), Korean and Latin fonts the tests render pages with, the
# browser the web reader's tests drive (libatomic1: the Playwright driver's
# bundled node needs it), Node.js for the CDK app (jsii), and libGL and GLib
# for OpenCV (opencv-python, which page-dewarp needs). libtesseract-dev,
# libleptonica-dev, pkg-config, g++ and python3-dev build tesserocr (Tesseract in-process)
# against this same libtesseract.
SYSTEM_PACKAGES = tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor tesseract-ocr-osd tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-deu espeak-ng libespeak-ng1 fonts-nanum fonts-dejavu-core fonts-liberation chromium libatomic1 nodejs libgl1 libglib2.0-0 libtesseract-dev libleptonica-dev pkg-config g++ python3-dev
STAMP = $(VENV)/.installed

.PHONY: run test test-fast lint bench profile quality soak synth deploy destroy system install clean test-sfn-local

run: system $(STAMP)
	$(VENV)/bin/storytime serve

test: system $(STAMP)
	$(VENV)/bin/ruff check functions tests bench infra
	$(VENV)/bin/pytest

# Everything but the real engines: seconds, for the edit-test loop.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not e2e"

lint: $(STAMP)
	$(VENV)/bin/ruff check functions tests bench infra

# Not in make test: SIGKILLs, a full tmpfs, 200 uploads; prints loads held, faults survived,
# inputs tried and data lost (must be 0). Needs root (it mounts a tmpfs).
soak: system $(STAMP)
	$(VENV)/bin/python bench/soak.py

# `make bench ARGS="--sections dup,queue"` for some sections only (bench/run.py --help).
bench: system $(STAMP)
	$(VENV)/bin/python bench/run.py $(ARGS)

# Where a page's CPU goes outside the engines: py-spy over every thread.
profile: system $(STAMP)
	$(VENV)/bin/python bench/profile.py

# Reading quality: CER and seconds per image, ours against raw tesseract.
# `make quality DIR=path` for a folder of images with NAME.gt.txt beside them.
DIR ?= tests/fixtures
quality: system $(STAMP)
	$(VENV)/bin/python bench/quality.py $(DIR)

# The workflow's path cases on AWS's own Step Functions Local, with a MockConfigFile
# generated from the table the embedded-interpreter tests use. Needs Docker (not
# in make test; make test checks the generated file instead).
SFN_LOCAL_IMAGE ?= amazon/aws-stepfunctions-local:latest
SFN_LOCAL_DIR = $(CURDIR)/build/sfn-local
test-sfn-local: $(STAMP)
	$(VENV)/bin/python -m tests.sfn_local.mock_config $(SFN_LOCAL_DIR)/MockConfigFile.json
	docker pull $(SFN_LOCAL_IMAGE)
	docker run -d --rm --name storytime-sfn-local -p 8083:8083 \
	  -v $(SFN_LOCAL_DIR):/home/StepFunctionsLocal/mock:ro \
	  -e SFN_MOCK_CONFIG=/home/StepFunctionsLocal/mock/MockConfigFile.json $(SFN_LOCAL_IMAGE)
	$(VENV)/bin/python -m tests.sfn_local.run http://localhost:8083; status=$$?; \
	  docker stop storytime-sfn-local >/dev/null; exit $$status

# The AWS stack (infra/). synth is offline: no account, no Docker, no bundling.
# deploy/destroy need AWS credentials and `npx aws-cdk` (npm); deploy builds
# the dense-page reader's image, so it needs Docker too. Context: SENDER (a
# verified SES address), NOTIFY (optional operator e-mail), ORIGIN (CORS).
CDK = cd infra && npx --yes aws-cdk@2
CDK_CONTEXT = $(if $(SENDER),-c senderEmail=$(SENDER)) $(if $(NOTIFY),-c notifyEmail=$(NOTIFY)) $(if $(ORIGIN),-c allowedOrigin=$(ORIGIN))
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION = 18,20
synth: system $(STAMP)
	cd infra && ../$(VENV)/bin/python app.py
deploy: system $(STAMP)
	$(CDK) deploy $(CDK_CONTEXT)
destroy: $(STAMP)
	$(CDK) destroy $(CDK_CONTEXT)

install: system $(STAMP)

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "run as root, or: sudo apt-get install -y $$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# tesserocr from source: its binary wheel bundles another Tesseract (5.5), whose
# answers differ from the system's and which read a Korean page 25 % slower.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q --no-binary tesserocr -c constraints.txt -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
