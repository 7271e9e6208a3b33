from storytime.service import pipeline


def handler(event, context, deps=None):
    if deps is None:
        from storytime.aws_deps import aws_reader_deps  # imported late: boto3 and Tesseract only on AWS

        deps = aws_reader_deps()
    return pipeline.read_page_image(deps, event["id"], event["imageKey"])
