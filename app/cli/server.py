"""The server's logging: uvicorn's own setup, with the application's loggers added."""

import copy
from typing import Any


def log_config() -> dict[str, Any]:
    """uvicorn's logging setup with the `app` loggers added (its own access log is replaced by the API's
    `app.access`, one line per request with its duration and request id)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["app"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
