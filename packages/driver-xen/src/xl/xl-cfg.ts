// xl.cfg(5) as libxlu reads it (tools/libs/util/libxlu_cfg_l.l and _y.y):
//
//   file     := setting*
//   setting  := IDENT ("=" | "+=") value (NEWLINE | ";") | NEWLINE | ";"
//   value    := atom | "[" NEWLINE* (atom NEWLINE* ("," NEWLINE* atom NEWLINE*)* ","? NEWLINE*)? "]"
//   atom     := STRING | NUMBER
//   IDENT    := [a-z][_0-9a-z]*          NUMBER := [0-9][0-9a-fx]*
//   STRING   := "..." with backslash escapes, no raw newline | '...' taken as is, no newline
//   blanks are space and tab; "#" starts a comment that runs to the end of the line.
//
// In a double-quoted string libxlu's dequote understands \" \' \\ \a \b \f
// \n \r \t \v; the \x and octal forms are broken in the releases we
// checked (they consume their digits but store no character), so the
// writer never uses them. Every other character, control characters and
// UTF-8 included, stands for itself: the lexer reads 8-bit bytes and ends a
// string only at an unescaped quote or a newline. So a value is quoted by
// escaping backslash, double quote and the line breaks, and nothing in it
// can end the string, start a key or end the statement.

/** One value of a setting: text, a number, or a list of them. */
export type XlValue = string | number | readonly (string | number)[];

/** One `key = value` line. */
export interface XlSetting {
  readonly key: string;
  readonly value: XlValue;
}

const IDENT = /^[a-z][_0-9a-z]*$/;

/** A syntax error in an xl.cfg, at a line, as libxlu would refuse it. */
export class XlConfigSyntaxError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`xl.cfg line ${line}: ${reason}`);
    this.line = line;
    this.reason = reason;
    this.name = "XlConfigSyntaxError";
  }
}

/** `text` as a double-quoted xl.cfg string that libxlu reads back as exactly `text`. */
export function quoteXlString(text: string): string {
  if (text.includes("\u0000")) throw new RangeError("xl.cfg strings cannot carry NUL");
  let out = '"';
  for (const c of text) {
    switch (c) {
      case "\\":
        out += "\\\\";
        break;
      case '"':
        out += '\\"';
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return `${out}"`;
}

function atom(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`xl.cfg numbers are non-negative integers, not ${value}`);
    }
    return String(value);
  }
  return quoteXlString(value);
}

/** The xl.cfg text of `settings`, one per line, every string quoted by the grammar above. */
export function serializeXlConfig(settings: readonly XlSetting[], comment?: string): string {
  const lines: string[] = [];
  if (comment !== undefined) {
    for (const line of comment.split("\n")) {
      if (line.includes("\r") || line.includes("\u0000"))
        throw new RangeError("a comment line holds no CR or NUL");
      lines.push(`# ${line}`);
    }
  }
  const seen = new Set<string>();
  for (const { key, value } of settings) {
    if (!IDENT.test(key)) throw new RangeError(`"${key}" is not an xl.cfg key`);
    if (seen.has(key)) throw new RangeError(`key ${key} is set twice`);
    seen.add(key);
    const text =
      typeof value === "string" || typeof value === "number"
        ? atom(value)
        : `[ ${value.map(atom).join(", ")} ]`;
    lines.push(`${key} = ${text}`);
  }
  return `${lines.join("\n")}\n`;
}

interface Token {
  readonly kind: "ident" | "number" | "string" | "op" | "newline";
  readonly text: string;
  readonly line: number;
}

function unescapeDoubleQuoted(body: string, line: number): string {
  let out = "";
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    i += 1;
    const n = body[i];
    const simple: Record<string, string> = {
      '"': '"',
      "'": "'",
      "\\": "\\",
      a: "\u0007",
      b: "\b",
      f: "\f",
      n: "\n",
      r: "\r",
      t: "\t",
      v: "\u000b",
    };
    const mapped = n === undefined ? undefined : simple[n];
    if (mapped === undefined) {
      throw new XlConfigSyntaxError(line, `escape \\${n ?? ""} is not one libxlu decodes`);
    }
    out += mapped;
  }
  return out;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t") {
      i += 1;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i += 1;
    } else if (c === "\n") {
      tokens.push({ kind: "newline", text: c, line });
      line += 1;
      i += 1;
    } else if (c === "=" || c === "[" || c === "]" || c === "," || c === ";") {
      tokens.push({ kind: "op", text: c, line });
      i += 1;
    } else if (c === "+" && text[i + 1] === "=") {
      tokens.push({ kind: "op", text: "+=", line });
      i += 2;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\n") throw new XlConfigSyntaxError(line, "newline inside a string");
        j += text[j] === "\\" ? 2 : 1;
      }
      if (j >= text.length) throw new XlConfigSyntaxError(line, "unterminated string");
      tokens.push({ kind: "string", text: unescapeDoubleQuoted(text.slice(i + 1, j), line), line });
      i = j + 1;
    } else if (c === "'") {
      const j = text.indexOf("'", i + 1);
      const nl = text.indexOf("\n", i + 1);
      if (j < 0 || (nl >= 0 && nl < j)) throw new XlConfigSyntaxError(line, "unterminated string");
      tokens.push({ kind: "string", text: text.slice(i + 1, j), line });
      i = j + 1;
    } else {
      const word = /^(?:[a-z][_0-9a-z]*|[0-9][0-9a-fx]*)/.exec(text.slice(i, i + 256))?.[0];
      if (word === undefined) {
        throw new XlConfigSyntaxError(line, `unexpected character ${JSON.stringify(c)}`);
      }
      tokens.push({ kind: /^[0-9]/.test(word) ? "number" : "ident", text: word, line });
      i += word.length;
    }
  }
  return tokens;
}

/** An atom's value: strings as text; numbers as libxlu keeps them, their text. */
export type XlParsedAtom = { readonly kind: "string" | "number"; readonly text: string };
export type XlParsedValue =
  | XlParsedAtom
  | { readonly kind: "list"; readonly items: XlParsedAtom[] };
export interface XlParsedSetting {
  readonly key: string;
  readonly op: "=" | "+=";
  readonly value: XlParsedValue;
  readonly line: number;
}

/**
 * Every setting of an xl.cfg, in order, as libxlu's grammar reads it.
 * Throws XlConfigSyntaxError where libxlu would refuse the file.
 */
export function parseXlConfig(text: string): XlParsedSetting[] {
  const tokens = tokenize(text);
  const settings: XlParsedSetting[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const fail = (reason: string): never => {
    throw new XlConfigSyntaxError(peek()?.line ?? 0, reason);
  };
  const skipNewlines = () => {
    while (peek()?.kind === "newline") i += 1;
  };
  const readAtom = (): XlParsedAtom => {
    const t = peek();
    if (t === undefined || (t.kind !== "string" && t.kind !== "number")) {
      return fail("expected a string or a number");
    }
    i += 1;
    return { kind: t.kind, text: t.text };
  };
  while (i < tokens.length) {
    const t = peek() as Token;
    if (t.kind === "newline" || (t.kind === "op" && t.text === ";")) {
      i += 1;
      continue;
    }
    if (t.kind !== "ident") fail("expected a key");
    i += 1;
    const op = peek();
    if (op?.kind !== "op" || (op.text !== "=" && op.text !== "+=")) fail("expected = after a key");
    i += 1;
    let value: XlParsedValue;
    if (peek()?.kind === "op" && peek()?.text === "[") {
      i += 1;
      const items: XlParsedAtom[] = [];
      skipNewlines();
      while (!(peek()?.kind === "op" && peek()?.text === "]")) {
        items.push(readAtom());
        skipNewlines();
        if (peek()?.kind === "op" && peek()?.text === ",") {
          i += 1;
          skipNewlines();
        } else if (!(peek()?.kind === "op" && peek()?.text === "]")) {
          fail("expected , or ] in a list");
        }
      }
      i += 1;
      value = { kind: "list", items };
    } else {
      value = readAtom();
    }
    const end = peek();
    if (end !== undefined && end.kind !== "newline" && !(end.kind === "op" && end.text === ";")) {
      fail("expected the end of the setting");
    }
    i += 1;
    settings.push({ key: t.text, op: (op as Token).text as "=" | "+=", value, line: t.line });
  }
  return settings;
}

/** The settings as libxlu resolves them: the last assignment of a key wins. */
export function xlConfigMap(settings: readonly XlParsedSetting[]): Map<string, XlParsedValue> {
  const map = new Map<string, XlParsedValue>();
  for (const s of settings) map.set(s.key, s.value);
  return map;
}
