#!/usr/bin/env python3
"""Tests of the doc-example reader (doc_examples.py: what it extracts from markdown) and
matcher (expectations.py: a response that differs from the doc fails)."""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_examples import DocErrors, extract, server_env, split_comment  # noqa: E402
from expectations import compare, shows_error  # noqa: E402

FENCE = "```"


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


class ExtractTest(unittest.TestCase):
    def test_transcript_commands_with_their_output(self):
        examples, skipped = extract(
            "a.md",
            doc(
                "text",
                FENCE + "sh",
                "$ curl -s 'http://127.0.0.1:8080/v1/search?q=a'",
                '{"total": 1}',
                "$ curl -s -X POST http://127.0.0.1:8080/v1/search -d '",
                '  {"q": "b"}\'   # 400',
                '{"error": {...}}',
                FENCE,
            ),
        )
        self.assertEqual(skipped, [])
        self.assertEqual([e.line for e in examples], [3, 5])
        self.assertEqual(examples[0].expected, '{"total": 1}')
        self.assertIsNone(examples[0].status)
        self.assertEqual(examples[1].command.count("\n"), 1)
        self.assertEqual(examples[1].status, 400)

    def test_script_comments_right_after_a_command_are_its_output(self):
        examples, _ = extract(
            "a.md",
            doc(
                FENCE + "sh",
                "# prose before",
                "curl -s $VITRINE/v1/config/rules -d '{",
                '  "id": "x"}\'',
                '# 201 {"version": 1,',
                '#  "rule": {...}}',
                "",
                "# prose: it's not output",
                "curl -s $VITRINE/v1/config \\",
                '  -H "X-API-Key: $ADMIN"',
                FENCE,
            ),
        )
        self.assertEqual(len(examples), 2)
        self.assertEqual(examples[0].status, 201)
        self.assertEqual(examples[0].expected, '{"version": 1,\n "rule": {...}}')
        self.assertEqual(examples[1].expected, "")
        self.assertIn('-H "X-API-Key: $ADMIN"', examples[1].command)

    def test_blocks_without_commands_are_not_examples(self):
        text = doc(FENCE, "usage: vitrine", FENCE, FENCE + "sh", "ls", FENCE)
        examples, _ = extract("a.md", text)
        self.assertEqual(examples, [])

    def test_skip_needs_a_reason_and_an_example(self):
        text = doc("<!-- doc-test: skip needs a feed of your own -->", FENCE, "$ vitrine x", FENCE)
        examples, skipped = extract("a.md", text)
        self.assertEqual(examples, [])
        self.assertEqual(skipped[0].reason, "needs a feed of your own")
        with self.assertRaises(DocErrors):
            extract("a.md", doc("<!-- doc-test: skip -->", FENCE, "$ vitrine x", FENCE))
        with self.assertRaises(DocErrors):
            extract("a.md", doc("<!-- doc-test: skip why -->", FENCE, "usage: x", FENCE))
        with self.assertRaises(DocErrors):
            extract("a.md", doc("<!-- doc-test: ignore why -->", FENCE, "$ x", FENCE))

    def test_json_without_a_command_must_be_marked(self):
        with self.assertRaises(DocErrors):
            extract("a.md", doc(FENCE, '{"total": 412}', FENCE))
        _, skipped = extract(
            "a.md", doc("<!-- doc-test: skip the shape of any response -->", FENCE, "{}", FENCE)
        )
        self.assertEqual(skipped[0].reason, "the shape of any response")

    def test_server_env_is_for_the_whole_file(self):
        text = doc(
            "<!-- doc-test: server-env VITRINE_SEARCH_KEYS=shop:k-123456 VITRINE_X=1 -->",
            FENCE + "sh",
            "$ curl -s x",
            "{}",
            FENCE,
        )
        examples, skipped = extract("a.md", text)
        self.assertEqual(len(examples), 1)
        self.assertEqual(skipped, [])
        self.assertEqual(server_env(text), {"VITRINE_SEARCH_KEYS": "shop:k-123456", "VITRINE_X": "1"})
        self.assertEqual(server_env(doc("no directive")), {})
        with self.assertRaises(ValueError):
            server_env("<!-- doc-test: server-env lower=case -->")

    def test_an_unfinished_command_is_an_error(self):
        with self.assertRaises(DocErrors):
            extract("a.md", doc(FENCE + "sh", "curl -s -d '{", FENCE))

    def test_split_comment_follows_bash_quoting(self):
        self.assertEqual(split_comment("curl 'a # b'"), (True, None))
        self.assertEqual(split_comment("curl 'a' # 409 moved"), (True, " 409 moved"))
        self.assertEqual(split_comment("curl -d '{\n"), (False, None))
        self.assertEqual(split_comment("curl \\"), (False, None))
        self.assertEqual(split_comment("curl $'a\\'b' # 1"), (True, " 1"))
        self.assertEqual(split_comment('curl "it\'s" x#y'), (True, None))


class CompareTest(unittest.TestCase):
    def assert_matches(self, expected: str, actual: str):
        self.assertEqual(compare(expected, actual), [])

    def assert_differs(self, expected: str, actual: str, *fragments: str):
        errors = compare(expected, actual)
        self.assertTrue(errors, f"{actual!r} should not match {expected!r}")
        for fragment in fragments:
            self.assertTrue(any(fragment in e for e in errors), errors)

    def test_totals_and_ids_are_exact(self):
        self.assert_matches('{"total": 2047, "id": "15970"}', '{"id":"15970","total":2047}')
        self.assert_differs('{"total": 412}', '{"total":2047}', "$.total", "412")
        self.assert_differs('{"id": "15970"}', '{"id":"15971"}', "$.id")
        self.assert_differs('{"total": 412}', '{"total":412.5}', "$.total")
        self.assert_differs('{"total": 1}', '{"total":"1"}', "expected a number")

    def test_an_object_without_ellipsis_has_exactly_its_keys(self):
        self.assert_differs('{"a": 1}', '{"a":1,"b":2}', "'b'")
        self.assert_differs('{"a": 1, "b": 2}', '{"a":1}', "'b' missing")
        self.assert_matches('{"a": 1, ...}', '{"a":1,"b":2}')
        self.assert_matches('{..., "b": 2}', '{"a":1,"b":2}')
        self.assert_matches('{"a": {...}}', '{"a":{"x":[1]}}')
        self.assert_differs('{"a": {...}}', '{"a":[1]}', "expected an object")

    def test_ellipsis_in_arrays(self):
        self.assert_matches("[1, 2, ...]", "[1,2,3,4]")
        self.assert_differs("[1, 2, ...]", "[2,1,3]", "$[0]")
        self.assert_matches("[..., 4]", "[1,2,3,4]")
        self.assert_matches("[1, ..., 3, ..., 5]", "[1,2,3,4,5]")
        self.assert_differs("[1, ..., 9, ..., 5]", "[1,2,3,4,5]", "not found")
        self.assert_matches("[...]", "[]")
        self.assert_differs("[1, 2]", "[1,2,3]", "expected 2 items")
        self.assert_differs("[1, 2, 3, ...]", "[1,2]", "at least 3")

    def test_any_value_and_string_prefix(self):
        self.assert_matches('{"total": ..., "q": "..."}', '{"total":5,"q":"x"}')
        self.assert_matches('{"title": "Nike Women..."}', '{"title":"Nike Women Black Tights"}')
        self.assert_differs('{"title": "Nike Men..."}', '{"title":"Nike Women"}', "$.title")

    def test_decimals_to_the_digits_shown_scores_loosely_times_not_at_all(self):
        self.assert_matches('{"avg": 1224.7}', '{"avg":1224.7391}')
        self.assert_differs('{"avg": 1224.7}', '{"avg":1224.79}', "$.avg")
        self.assert_matches('{"score": 18.87}', '{"score":18.95}')
        self.assert_differs('{"score": 18.87}', '{"score":20.1}', "$.score")
        self.assert_matches('{"took_ms": 0.41}', '{"took_ms":12.5}')
        self.assert_differs('{"took_ms": 0.41}', '{"took_ms":null}', "expected a number")
        self.assert_matches('{"when": "2026-11-20T10:02:11Z"}', '{"when":"2031-01-01T00:00:00Z"}')
        self.assert_differs('{"when": "2026-11-20T10:02:11Z"}', '{"when":"soon"}', "timestamp")

    def test_literals_are_typed(self):
        self.assert_differs('{"relaxed": false}', '{"relaxed":0}', "$.relaxed")
        self.assert_differs('{"banner": null}', '{"banner":false}', "$.banner")
        self.assert_matches('{"relaxed": false, "c": null}', '{"relaxed":false,"c":null}')

    def test_several_values_as_jq_prints_them(self):
        self.assert_matches('"a"\n"b"', '"a"\n"b"\n')
        self.assert_differs('"a"\n"b"', '"a"\n', "expected 2 items")
        self.assert_matches("2047", "2047\n")

    def test_text_lines_with_ellipsis(self):
        expected = "generation ... is now current\n...\n  rejected  2"
        printed = "generation 000002 is now current\n  accepted 5\n  rejected  2\n"
        self.assert_matches(expected, printed)
        self.assert_differs(expected, "generation 1 is now current\n  rejected  3\n", "not JSON")

    def test_json_shown_but_text_printed(self):
        self.assert_differs('{"total": 1}', "Not Found", "not JSON")

    def test_shows_error(self):
        self.assertTrue(shows_error('{"error": {"code": "invalid_parameter", ...}}'))
        self.assertFalse(shows_error('{"total": 3}'))
        self.assertFalse(shows_error("not json"))


if __name__ == "__main__":
    unittest.main()
