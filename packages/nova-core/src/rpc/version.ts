// X.Y versions, as RPC APIs and payload objects carry them. A minor adds
// (a method, an optional argument, a field); a major breaks.

// Every message and object carries a version; the same few strings are
// parsed thousands of times a second, so each is parsed once.
const parsed = new Map<string, [number, number]>();

/** Parses "X.Y"; throws on anything else. @public */
export function parseVersion(version: string): [number, number] {
  const hit = parsed.get(version);
  if (hit) return hit;
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`not an X.Y version: ${JSON.stringify(version)}`);
  const v: [number, number] = [Number(match[1]), Number(match[2])];
  if (parsed.size < 1024) parsed.set(version, v);
  return v;
}

/** Negative, zero or positive as a is older than, equal to or newer than b. @public */
export function compareVersions(a: string, b: string): number {
  const [am, an] = parseVersion(a);
  const [bm, bn] = parseVersion(b);
  return am === bm ? an - bn : am - bm;
}

/** True when a server speaking `server` can handle a message of `message`. @public */
export function isCompatible(message: string, server: string): boolean {
  const [mm] = parseVersion(message);
  const [sm] = parseVersion(server);
  return mm === sm && compareVersions(message, server) <= 0;
}

/** The older of two versions. @public */
export function minVersion(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}
