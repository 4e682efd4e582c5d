"""A JSON Schema for the W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/),
written for these tests from the recommendation's MUSTs for what tui-reader writes and reads:
Annotation, TextualBody, SpecificResource with Text Quote / Text Position selectors,
AnnotationPage and AnnotationCollection. Extensions stay allowed, as the model allows them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MOTIVATIONS = [
    "assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
    "highlighting", "identifying", "linking", "moderating", "questioning", "replying", "tagging",
]  # fmt: skip
SELECTOR_TYPES = [
    "FragmentSelector", "CssSelector", "XPathSelector", "TextQuoteSelector",
    "TextPositionSelector", "DataPositionSelector", "SvgSelector", "RangeSelector",
]  # fmt: skip

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")

checker = FormatChecker(formats=())


@checker.checks("iri")
def _is_iri(value: object) -> bool:
    return not isinstance(value, str) or bool(_IRI.match(value))


@checker.checks("date-time")
def _is_datetime(value: object) -> bool:
    # xsd:dateTime with a timezone, as the model asks (created/modified SHOULD be UTC).
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _one_or_more(item: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [item, {"type": "array", "minItems": 1, "items": item}]}


IRI = {"type": "string", "format": "iri"}
DATETIME = {"type": "string", "format": "date-time"}
TYPE = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}

TEXT_QUOTE = {
    "type": "object",
    "required": ["type", "exact"],
    "properties": {
        "type": {"const": "TextQuoteSelector"},
        "exact": {"type": "string", "minLength": 1},
        "prefix": {"type": "string"},
        "suffix": {"type": "string"},
    },
}
TEXT_POSITION = {
    "type": "object",
    "required": ["type", "start", "end"],
    "properties": {
        "type": {"const": "TextPositionSelector"},
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 0},
    },
}
OTHER_SELECTOR = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"enum": [t for t in SELECTOR_TYPES if not t.startswith("Text")]}},
}
SELECTOR = {"oneOf": [TEXT_QUOTE, TEXT_POSITION, OTHER_SELECTOR, IRI]}
SPECIFIC_RESOURCE = {
    "type": "object",
    "required": ["source"],
    "properties": {
        "type": {"const": "SpecificResource"},
        "source": {"oneOf": [IRI, {"type": "object", "required": ["id"]}]},
        "selector": _one_or_more(SELECTOR),
        "purpose": {"enum": MOTIVATIONS},
    },
}
TEXTUAL_BODY = {
    "type": "object",
    "required": ["type", "value"],
    "properties": {
        "type": {"const": "TextualBody"},
        "value": {"type": "string"},
        "purpose": _one_or_more({"enum": MOTIVATIONS}),
        "format": {"type": "string"},
        "language": {"type": "string"},
    },
}
BODY = {"oneOf": [TEXTUAL_BODY, IRI, SPECIFIC_RESOURCE]}
TARGET = {"oneOf": [IRI, SPECIFIC_RESOURCE]}
ANNOTATION = {
    "type": "object",
    "required": ["@context", "id", "type", "target"],
    "properties": {
        "@context": {
            "oneOf": [
                {"const": CONTEXT},
                {"type": "array", "contains": {"const": CONTEXT}},
            ]
        },
        "id": IRI,
        "type": {
            "oneOf": [
                {"const": "Annotation"},
                {"type": "array", "contains": {"const": "Annotation"}},
            ]
        },
        "motivation": _one_or_more({"enum": MOTIVATIONS}),
        "created": DATETIME,
        "modified": DATETIME,
        "generated": DATETIME,
        "body": _one_or_more(BODY),
        "bodyValue": {"type": "string"},
        "target": _one_or_more(TARGET),
    },
    "not": {"required": ["body", "bodyValue"]},
}
PAGE = {
    "type": "object",
    "required": ["type", "items"],
    "properties": {
        "id": IRI,
        "type": {"const": "AnnotationPage"},
        "partOf": {"oneOf": [IRI, {"type": "object"}]},
        "items": {"type": "array", "items": ANNOTATION},
        "startIndex": {"type": "integer", "minimum": 0},
        "next": IRI,
        "prev": IRI,
    },
}
COLLECTION = {
    "type": "object",
    "required": ["@context", "id", "type"],
    "properties": {
        "@context": ANNOTATION["properties"]["@context"],  # type: ignore[index]
        "id": IRI,
        "type": {"const": "AnnotationCollection"},
        "label": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "first": {"oneOf": [IRI, PAGE]},
        "last": {"oneOf": [IRI, PAGE]},
    },
}


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator that checks formats (IRIs, date-times) too."""
    return Draft202012Validator(schema, format_checker=checker)


def errors(schema: dict[str, Any], document: Any) -> list[str]:
    """Every way ``document`` breaks ``schema`` (empty: it is valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in validator(schema).iter_errors(document)
    ]
