"""Shared data for the backend tests (a module, since tests/ is not a package)."""

SCHEMA = {
    "type": "object",
    "properties": {
        "model_name": {"type": "string"},
        "dice": {"type": ["number", "null"]},
        "n_train": {"type": ["integer", "null"]},
    },
    "required": ["model_name", "dice", "n_train"],
    "additionalProperties": False,
}
ANSWER = {"model_name": "U-Net", "dice": 0.87, "n_train": 120}
