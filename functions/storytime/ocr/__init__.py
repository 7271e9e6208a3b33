"""OCR engines answering in Rekognition ``DetectText``'s shape.

Shared by both platforms: the local runtime calls the Tesseract engine
in-process, and on AWS the same code runs as the dense-page reader Lambda
(a container image with Tesseract installed).
"""
