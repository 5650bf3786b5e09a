#!/usr/bin/env python3
"""Holds every answer the end-to-end tests received to docs/openapi.yaml.

Usage: check_exchanges.py OPENAPI_YAML EXCHANGE_LOG

EXCHANGE_LOG holds one JSON object per line, written by tests/e2e/exchange_log.cpp: method, path
(with its query), status, content_type, headers, body. Each answer must be one the document gives
for its operation: a documented status, its required headers, header values that fit their
schemas, a documented media type, and a body that validates against that response's schema (JSON
Schema 2020-12, as OpenAPI 3.1 uses it). A request that no operation
takes must get the document's x-pms-unrouted answer: 404 for a path that is no route, 405 for a
method the path does not take. Exits 1 when any answer breaks the contract, listing each kind of
failure once with how often it happened and one example.
"""

import collections
import json
import re
import sys

import jsonschema
import yaml


def lookup(document, ref):
    """The node a local reference ("#/components/...") names."""
    if not ref.startswith("#/"):
        raise ValueError("only local references are supported: " + ref)
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class Contract:
    """The operations of an OpenAPI document and the validators of their responses."""

    def __init__(self, document):
        self.document = document
        self.validators = {}
        # Literal paths first, so that a template never shadows one.
        templates = sorted(document["paths"], key=lambda t: ("{" in t, t))
        self.paths = []
        for template in templates:
            pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
            self.paths.append((re.compile("^" + pattern + "$"), template,
                               document["paths"][template]))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = lookup(self.document, node["$ref"])
        return node

    def expected(self, method, path):
        """(operation name, {status: response}) for a request, from the document."""
        # pms-api's router (below /api/) ignores one trailing slash; HEAD is GET without the body.
        if path.startswith("/api/") and path.endswith("/"):
            path = path[:-1]
        method = "get" if method == "HEAD" else method.lower()
        unrouted = self.document["x-pms-unrouted"]
        for pattern, template, item in self.paths:
            if pattern.match(path):
                if method in item:
                    name = method.upper() + " " + template
                    return name, item[method]["responses"]
                return "unknown method on " + template, {"405": unrouted["unknown-method"]}
        return "unknown path", {"404": unrouted["unknown-path"]}

    def validator(self, key, schema):
        """A validator of `schema`, whose references resolve inside the document."""
        if key not in self.validators:
            wrapper = {"allOf": [schema], "components": self.document["components"]}
            self.validators[key] = jsonschema.Draft202012Validator(wrapper)
        return self.validators[key]

    def problems(self, exchange):
        """(operation, what is wrong) for each way an exchange breaks the contract."""
        name, responses = self.expected(exchange["method"], exchange["path"].split("?")[0])
        status = str(exchange["status"])
        if status not in responses:
            yield name, "undocumented status " + status
            return
        response = self.resolve(responses[status])
        yield from self.header_problems(name, status, response, exchange["headers"])
        body = exchange["body"]
        content = response.get("content")
        if exchange["method"] == "HEAD" or not content:
            if body:
                yield name, status + ": a body where the document gives none"
            return
        media_type = exchange["content_type"].split(";")[0].strip().lower()
        if media_type not in content:
            yield name, "%s: undocumented Content-Type '%s'" % (status, media_type)
            return
        schema = content[media_type].get("schema")
        if schema is None or not media_type.endswith("json"):
            return
        try:
            value = json.loads(body)
        except ValueError as error:
            yield name, "%s: body is not JSON (%s)" % (status, error)
            return
        errors = self.validator((name, status, media_type), schema).iter_errors(value)
        for error in errors:
            # One kind per place and rule, whatever the value or the item: items/*/version.
            where = "/".join("*" if isinstance(p, int) else str(p) for p in error.absolute_path)
            yield name, "%s: at %s: %s %s" % (status, where or "(root)", error.validator,
                                             json.dumps(error.validator_value)[:200])

    def header_problems(self, name, status, response, headers):
        for header, spec in response.get("headers", {}).items():
            spec = self.resolve(spec)
            value = headers.get(header.lower())
            if value is None:
                if spec.get("required"):
                    yield name, "%s: no %s header" % (status, header)
                continue
            schema = self.resolve(spec.get("schema", {}))
            if schema.get("type") == "integer":
                value = int(value) if value.isdigit() else value
            for error in self.validator((name, status, header), schema).iter_errors(value):
                yield name, "%s: header %s: %s %s" % (status, header, error.validator,
                                                      json.dumps(error.validator_value)[:200])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    with open(sys.argv[1], encoding="utf-8") as file:
        contract = Contract(yaml.safe_load(file))
    failures = collections.OrderedDict()
    seen = collections.Counter()
    total = 0
    with open(sys.argv[2], encoding="utf-8") as file:
        for line in file:
            exchange = json.loads(line)
            total += 1
            seen[(contract.expected(exchange["method"], exchange["path"].split("?")[0])[0],
                  exchange["status"])] += 1
            for problem in contract.problems(exchange):
                entry = failures.setdefault(problem, [0, exchange])
                entry[0] += 1
    if total == 0:
        sys.exit("no exchanges in %s: the end-to-end tests recorded nothing" % sys.argv[2])
    print("%d answers checked against %s:" % (total, sys.argv[1]))
    for (operation, status), count in sorted(seen.items()):
        print("  %6d  %s -> %s" % (count, operation, status))
    for (operation, problem), (count, example) in failures.items():
        body = example["body"]
        print("FAIL %s: %s (%d times), e.g. %s %s -> %s" % (
            operation, problem, count, example["method"], example["path"][:200],
            body[:300] + ("..." if len(body) > 300 else "")))
    if failures:
        sys.exit("%d kinds of answers break the contract %s" % (len(failures), sys.argv[1]))


if __name__ == "__main__":
    main()
