"""Zoho's JSON envelope and error answers.

Success: ``{"code": 0, "message": "success", <root>: ...}``. Errors: an HTTP status and a non-zero ``code``
with Zoho's message. Bodies are written by ``jsonenc`` so Decimals stay exact numbers.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ml_connector_fakes.zoho import jsonenc

# Zoho answers application/json with an explicit charset.
JSON_MEDIA_TYPE = "application/json;charset=UTF-8"


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def invalid_value(parameter: str) -> ApiError:
    return ApiError(400, 2, f"Invalid value passed for {parameter}")


def not_found() -> ApiError:
    return ApiError(404, 1002, "Resource does not exist.")


def invalid_url() -> ApiError:
    return ApiError(404, 5, "Invalid URL Passed")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        jsonenc.dumps_bytes(body), status_code=status, media_type=JSON_MEDIA_TYPE, headers=headers
    )


def success(**content: Any) -> dict[str, Any]:
    return {"code": 0, "message": "success", **content}


def error_body(error: ApiError) -> dict[str, Any]:
    return {"code": error.code, "message": error.message}
