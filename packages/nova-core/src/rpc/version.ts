// X.Y versions, as RPC APIs and payload objects carry them. A minor adds
// (a method, an optional argument, a field); a major breaks.

/** Parses "X.Y"; throws on anything else. @public */
export function parseVersion(version: string): [number, number] {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`not an X.Y version: ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2])];
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
