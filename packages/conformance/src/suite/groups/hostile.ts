import { expect } from "vitest";
import { check } from "../check.js";
import type { SuiteContext } from "../context.js";

/**
 * Text that breaks naive escaping in the formats hypervisors are configured
 * with: XML (libvirt), key = value files (xl), shell command lines, JSON,
 * printf-style templates, and terminals; and text that a driver which
 * "tidies" names would change: surrounding whitespace, and Unicode that
 * normalisation would rewrite. Each must come back byte for byte.
 *
 * @public
 */
export const HOSTILE_STRINGS: readonly [label: string, text: string][] = [
  ["quotes", `it's "quoted" and 'single'`],
  ["angle brackets", "<script>alert(1)</script>"],
  ["ampersands", "fish & chips &amp; &lt;entity&gt; &#0;"],
  ["XML breakout", "x</name><vcpu>64</vcpu><memory unit='GiB'>512</memory><name>y"],
  ["CDATA end", "]]><![CDATA[x]]>"],
  ["newlines", "line one\nline two\r\nline three"],
  ["xl config injection", 'x"\nmemory = 999999\nvcpus = 64\nname = "y'],
  ["shell", "$(reboot) `uptime` ; rm -rf / # | tee"],
  ["tab and controls", "tab\there \u0001\u0002\u0007\u0008\u000b\u000c\u001f\u007f"],
  ["terminal escapes", "\u001b[31mred\u001b[0m \u001b]0;title\u0007"],
  ["backslashes", "C:\\path\\to\\thing \\n \\\\ \\u0000"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the point
  ["templates", "%s %n %x {0} ${HOME} {{name}} #{x}"],
  ["non-ASCII", "ünïcødé ✓ 名前 имя اسم 🚀👩‍💻"],
  ["bidi and invisible", "\u202eevil\u202c \ufeffbom \u200bzero-width"],
  ["JSON", '{"vcpus": 64, "name": "x"}'],
  ["long", `${"<&>'\"".repeat(40)}${"é".repeat(55)}`],
  ["surrounding whitespace", "  \t padded name \n "],
  ["only spaces", "   "],
  ["decomposed accents (NFD)", "e\u0301te\u0301 cafe\u0301"],
  ["compatibility forms (NFKC would rewrite)", "\ufb01le \u2460 \uff21\uff22 x\u00b2"],
];

export function hostileTests(ctx: SuiteContext): void {
  for (const [label, text] of HOSTILE_STRINGS) {
    check(
      "C-HOSTILE-1",
      async () => {
        const request = await ctx.spawn({ name: text });
        const info = await ctx.client.getInstanceInfo(request.uuid, ctx.call());
        expect(info.name).toBe(text);
      },
      `a name with ${label} round-trips`,
    );
  }

  check(
    "C-HOSTILE-2",
    async () => {
      const request = ctx.request();
      for (const [label, text] of HOSTILE_STRINGS) {
        request.metadata[`value: ${label}`] = text;
        request.metadata[text.slice(0, 255)] = label;
      }
      ctx.track(request.uuid);
      await ctx.client.spawn(request, ctx.call());
      const info = await ctx.client.getInstanceInfo(request.uuid, ctx.call());
      expect(info.metadata).toEqual(request.metadata);
    },
    "metadata keys and values with every hostile string round-trip",
  );

  check("C-HOSTILE-3", async () => {
    const neighbour = await ctx.spawn();
    const neighbourBefore = await ctx.client.getInstanceInfo(neighbour.uuid, ctx.call());
    const breakout = HOSTILE_STRINGS.find(([label]) => label === "XML breakout")?.[1] ?? "";
    const injection = HOSTILE_STRINGS.find(([label]) => label === "xl config injection")?.[1] ?? "";
    const request = ctx.request({ name: breakout });
    request.metadata.injection = injection;
    ctx.track(request.uuid);
    await ctx.client.spawn(request, ctx.call());
    const info = await ctx.client.getInstanceInfo(request.uuid, ctx.call());
    expect(info.vcpus).toBe(request.flavor.vcpus);
    expect(info.memoryMiB).toBe(request.flavor.memoryMiB);
    expect(info.metadata).toEqual(request.metadata);
    expect(info.blockDevices).toEqual([]);
    expect(info.interfaces).toEqual([]);
    const neighbourAfter = await ctx.client.getInstanceInfo(neighbour.uuid, ctx.call());
    expect({ ...neighbourAfter, uptimeSeconds: 0 }).toEqual({
      ...neighbourBefore,
      uptimeSeconds: 0,
    });
  });
}
