"""storytime: serve the API, read one page, or show what the workflow did."""

from __future__ import annotations

import argparse
import logging
import mimetypes
import os
import sys
import time
from pathlib import Path


def _data(args) -> Path:
    return Path(args.data or os.environ.get("STORYTIME_DATA", ".storytime")).resolve()


def _port(args) -> int:
    return int(args.port or os.environ.get("STORYTIME_PORT", "8000"))


def _local_settings() -> dict:
    """STORYTIME_* settings a person set; the names of AWS resources are the runtime's own."""
    from storytime.settings import Settings

    fixed = {"bucket", "table", "state_machine_arn", "media_base_url"}
    return {k: v for k, v in Settings.given().items() if k not in fixed}


def cmd_serve(args) -> int:
    from dataclasses import replace

    from storytime.local.edge import Edge
    from storytime.local.runtime import LocalRuntime
    from storytime.local.server import serve

    logging.getLogger("storytime").setLevel(logging.INFO)
    edge = Edge.from_env()
    edge = replace(edge, host=args.host or edge.host, port=_port(args))
    data = _data(args)
    public = edge.base_url()
    runtime = LocalRuntime(data, f"{public}/media", settings={**_local_settings(), "public_url": public},
                           smtp_url=os.environ.get("STORYTIME_SMTP_URL"), sweeper=True)
    try:
        server = serve(runtime, edge.host, edge.port, edge)
    except OSError as error:
        runtime.close()
        print(f"storytime: cannot listen on {edge.host}:{edge.port} ({error.strerror}); "
              f"choose another port with STORYTIME_PORT", file=sys.stderr)
        return 1
    print(f"storytime on {public}  (listening on {edge.host}:{server.server_port}, data in {data})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        runtime.close()
    return 0


def _follow(runtime, execution_arn: str) -> None:
    """Print the workflow's progress until the execution ends."""
    from storytime.local.console import progress

    shown = 0
    while True:
        running = runtime.workflow.status(execution_arn) == "RUNNING"
        events = runtime.workflow.history(execution_arn)
        for event in events[shown:]:
            line = progress(event)
            if line:
                print(line, file=sys.stderr, flush=True)
        shown = len(events)
        if not running:
            return
        time.sleep(0.1)


def cmd_read(args) -> int:
    from storytime.errors import StorytimeError
    from storytime.local.runtime import LocalRuntime
    from storytime.service.results import retrieve
    from storytime.service.uploads import accept_upload

    photo = Path(args.photo)
    data = _data(args)
    runtime = LocalRuntime(data, data.joinpath("objects").as_uri(), resume=False)
    try:
        declared = mimetypes.guess_type(photo.name)[0]
        try:
            answer = accept_upload(runtime.deps, photo.read_bytes(), declared, args.email, language=args.language)
        except StorytimeError as error:
            print(f"storytime: {error.code}: {error}", file=sys.stderr)
            return 2
        record_id = answer.body["id"]
        print(f"page {record_id}", file=sys.stderr)
        if answer.status == 200:
            print("already read: answering from the stored result", file=sys.stderr)
        if answer.execution_arn:
            _follow(runtime, answer.execution_arn)
        result = retrieve(runtime.deps, record_id)
        if result.status != 200:
            print(f"storytime: {result.body.get('status')}: {result.body.get('message') or result.body.get('error')}",
                  file=sys.stderr)
            return 1
        print(result.body["text"])
        if args.output:
            record = runtime.records.get(record_id)
            Path(args.output).write_bytes(runtime.objects.get(record.audio_key))
            print(f"audio written to {args.output}", file=sys.stderr)
        return 0
    finally:
        runtime.close()


def cmd_book(args) -> int:
    """Photos in order as one book, through the same services as POST /books and its pages."""
    from storytime.core.books import book_audio_key
    from storytime.errors import StorytimeError
    from storytime.local.runtime import LocalRuntime
    from storytime.service.books import add_image_page, create_book, retrieve

    data = _data(args)
    runtime = LocalRuntime(data, data.joinpath("objects").as_uri(), resume=False)
    try:
        book = create_book(runtime.deps, args.title).body
        print(f"book {book['id']}", file=sys.stderr)
        try:
            added = [add_image_page(runtime.deps, book["id"], Path(photo).read_bytes(),
                                    mimetypes.guess_type(photo)[0], None) for photo in args.photos]
        except StorytimeError as error:
            print(f"storytime: {error.code}: {error}", file=sys.stderr)
            return 2
        for n, answer in enumerate(added, 1):
            print(f"page {n}: {answer.body['page']['id']}", file=sys.stderr)
            if answer.execution_arn:
                _follow(runtime, answer.execution_arn)
        view = retrieve(runtime.deps, book["id"]).body
        if view["audioUrl"] is None:
            print(f"storytime: {view['status']}: not every page was read", file=sys.stderr)
            return 1
        for page in view["pages"]:
            record = runtime.records.get(page["id"])
            if record.text_key:
                print(runtime.objects.get(record.text_key).decode("utf-8"))
        if args.output:
            key = book_audio_key([p["id"] for p in view["pages"] if p["status"] == "COMPLETE"])
            Path(args.output).write_bytes(runtime.objects.get(key))
            print(f"audio written to {args.output}", file=sys.stderr)
        return 0
    finally:
        runtime.close()


def cmd_history(args) -> int:
    from storytime.errors import StorytimeError
    from storytime.local.console import describe_all
    from storytime.local.runtime import LocalRuntime
    from storytime.service.results import load

    runtime = LocalRuntime(_data(args), "", resume=False)
    try:
        # The operator on this machine sees every detail (causes too); the API answer does not.
        record = load(runtime.deps, args.id)
        events = runtime.workflow.history(record.execution_arn) if record.execution_arn else []
    except StorytimeError as error:
        print(f"storytime: {error.code}: {error}", file=sys.stderr)
        return 2
    finally:
        runtime.close()
    print(f"execution {record.execution_arn}")
    for line in describe_all(events):
        print(line)
    return 0


def cmd_cost(args) -> int:
    import json

    from storytime.cost import estimate, render

    result = estimate()
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="storytime", description=__doc__)
    parser.add_argument("--data", help="data folder (default $STORYTIME_DATA or ./.storytime)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", help="default $STORYTIME_HOST or 127.0.0.1 (this machine only)")
    serve.add_argument("--port", type=int, help="default $STORYTIME_PORT or 8000")
    serve.set_defaults(run=cmd_serve)
    read = sub.add_parser("read", help="read one photo aloud through the workflow, in-process")
    read.add_argument("photo")
    read.add_argument("-o", "--output", help="write the MP3 here")
    read.add_argument("--email", help="who to notify (an e-mail lands in the outbox)")
    read.add_argument("--language", help="the page's language (ko, en, fr, es, de): read with its model first")
    read.set_defaults(run=cmd_read)
    book = sub.add_parser("book", help="read several photos, in order, as one book with one MP3")
    book.add_argument("photos", nargs="+")
    book.add_argument("--title")
    book.add_argument("-o", "--output", help="write the book's MP3 here")
    book.set_defaults(run=cmd_book)
    hist = sub.add_parser("history", help="the workflow events of a page, like the console")
    hist.add_argument("id")
    hist.set_defaults(run=cmd_history)
    cost = sub.add_parser("cost", help="dollars per 1,000 pages on AWS, by workflow path, from the ASL")
    cost.add_argument("--json", action="store_true", help="units and dollars as JSON")
    cost.set_defaults(run=cmd_cost)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
