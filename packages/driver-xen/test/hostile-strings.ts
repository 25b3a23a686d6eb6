// Text that breaks naive writers of xl.cfg, shell lines and JSON: the
// conformance suite's hostile strings, and ones aimed at libxlu's grammar.
export const HOSTILE: readonly [label: string, text: string][] = [
  ["xl config injection", 'x"\nmemory = 999999\nvcpus = 64\nname = "y'],
  ["statement end", 'x"; vcpus = 64; name = "y'],
  ["list breakout", 'x"]\nvcpus = 64\nnk_metadata = ["a'],
  ["comment", 'x" # the rest is a comment'],
  ["append", 'x"\nvcpus += 64\n'],
  ["single quotes", "it's 'quoted' '\nvcpus = 64\n'"],
  ["backslashes", 'C:\\path\\ \\" \\n \\\\ \\x41 \\101 \\'],
  ["trailing backslash", "ends with \\"],
  ["newlines", "line one\nline two\r\nline three\rfour"],
  ["tab and controls", "tab\there \u0001\u0002\u0007\u0008\u000b\u000c\u001f\u007f"],
  ["terminal escapes", "\u001b[31mred\u001b[0m \u001b]0;title\u0007"],
  ["shell", "$(reboot) `uptime` ; rm -rf / # | tee '\"'"],
  ["XML breakout", "x</name><vcpu>64</vcpu><memory unit='GiB'>512</memory><name>y"],
  ["JSON", '{"vcpus": 64, "name": "x"}'],
  ["non-ASCII", "ünïcødé ✓ 名前 имя اسم 🚀👩‍💻 \u2028\u2029"],
  ["bidi and invisible", "\u202eevil\u202c \ufeffbom \u200bzero-width"],
  ["proto", "__proto__"],
  ["empty-looking", " "],
  ["long", `${"<&>'\"\\\n".repeat(36)}${"é".repeat(3)}`],
];
