/**
 * The versions a generated package depends on: the contract, the kit and
 * the tools its scripts run. Filled in when the scaffold is built, from the
 * packages of the same release (template-versions.ts).
 *
 * @public
 */
export interface TemplateVersions {
  /** `@novakit/driver-api`, the contract. */
  readonly driverApi: string;
  /** `@novakit/conformance`, the kit. */
  readonly conformance: string;
  readonly typescript: string;
  readonly vitest: string;
  readonly typesNode: string;
}

declare const __NOVAKIT_TEMPLATE_VERSIONS__: TemplateVersions;

/** @public */
export const TEMPLATE_VERSIONS: TemplateVersions = __NOVAKIT_TEMPLATE_VERSIONS__;
