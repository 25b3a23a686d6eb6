import { describe, expect, it } from "vitest";
import {
  parseXlConfig,
  quoteXlString,
  serializeXlConfig,
  XlConfigSyntaxError,
  xlConfigMap,
} from "../src/xl/xl-cfg.js";
import { HOSTILE } from "./hostile-strings.js";

const values = (text: string) =>
  Object.fromEntries([...xlConfigMap(parseXlConfig(text))].map(([k, v]) => [k, v]));

describe("parseXlConfig follows libxlu's grammar", () => {
  it.each([
    ["a = 1", { a: { kind: "number", text: "1" } }],
    ['a = "x"; b = 2', { a: { kind: "string", text: "x" }, b: { kind: "number", text: "2" } }],
    ["# comment\n\na = 'raw \\n'  # trailing", { a: { kind: "string", text: "raw \\n" } }],
    [
      'a = "q\\"\\\\\\n\\t\\a\\b\\f\\r\\v"',
      { a: { kind: "string", text: 'q"\\\n\t\u0007\b\f\r\u000b' } },
    ],
    [
      'a = [ "x",\n  "y", 3, ]',
      {
        a: {
          kind: "list",
          items: [
            { kind: "string", text: "x" },
            { kind: "string", text: "y" },
            { kind: "number", text: "3" },
          ],
        },
      },
    ],
    ["a = []", { a: { kind: "list", items: [] } }],
    ["a = 0x1f", { a: { kind: "number", text: "0x1f" } }],
    ['a = "1"\na = "2"', { a: { kind: "string", text: "2" } }],
    ['a = "raw\u0001\u001b\u007fü"', { a: { kind: "string", text: "raw\u0001\u001b\u007fü" } }],
  ])("%j", (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it.each([
    ['a = "unterminated', "unterminated string"],
    ['a = "two\nlines"', "newline inside a string"],
    ["a = 'two\nlines'", "unterminated string"],
    ['a = "\\x41"', "escape \\x"],
    ['a = "\\101"', "escape \\1"],
    ["A = 1", "unexpected character"],
    ["a 1", "expected = after a key"],
    ["a = 1 2", "expected the end of the setting"],
    ["a = [1 2]", "expected , or ] in a list"],
  ])("refuses %j", (text, reason) => {
    expect(() => parseXlConfig(text)).toThrow(XlConfigSyntaxError);
    expect(() => parseXlConfig(text)).toThrow(reason);
  });
});

describe("quoteXlString", () => {
  it.each(HOSTILE)("%s reads back unchanged, as one string on one line", (_label, text) => {
    const quoted = quoteXlString(text);
    expect(quoted).not.toContain("\n");
    expect(values(`k = ${quoted}`)).toEqual({ k: { kind: "string", text } });
  });

  it("refuses NUL, which no xl.cfg string can carry", () => {
    expect(() => quoteXlString("a\u0000b")).toThrow(RangeError);
  });
});

describe("serializeXlConfig", () => {
  it("writes each setting on its own line and refuses keys xl could not read", () => {
    expect(
      serializeXlConfig([
        { key: "a", value: 1 },
        { key: "b", value: ["x", 2] },
      ]),
    ).toBe('a = 1\nb = [ "x", 2 ]\n');
    expect(() => serializeXlConfig([{ key: "Bad", value: 1 }])).toThrow(RangeError);
    expect(() =>
      serializeXlConfig([
        { key: "a", value: 1 },
        { key: "a", value: 2 },
      ]),
    ).toThrow("set twice");
    expect(() => serializeXlConfig([{ key: "a", value: -1 }])).toThrow(RangeError);
  });
});
