/**
 * The driver's settings. The loader checks a config against
 * {@link templateConfigSchema} before `create` sees it, so `create` only
 * ever receives a valid one.
 */
export interface TemplateConfig {
  /** Which host to drive: `memory://<name>` for the in-memory stand-in; your hypervisor's URI. */
  readonly uri: string;
}

/**
 * The config's JSON Schema (draft 2020-12). Closed: a misspelt setting is an
 * error that names it (C-LOAD-5), never a silently ignored line. Keep it in
 * step with {@link TemplateConfig}.
 */
export const templateConfigSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["uri"],
  properties: {
    uri: {
      type: "string",
      pattern: "^memory://[a-z0-9-]{1,63}$",
      description: "the host to drive, such as memory://default",
    },
  },
} as const;
