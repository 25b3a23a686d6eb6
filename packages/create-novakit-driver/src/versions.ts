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

/**
 * The contract range the template implements, as its manifest and its peer
 * range declare it: the lowest minor whose features the template's code
 * uses (C-PKG-3), not the newest one. Raise it only when the template starts
 * using a later minor's features; loading the generated package in this
 * repository's tests checks that the current contract is in it.
 *
 * @public
 */
export const TEMPLATE_CONTRACT_RANGE = "^1.0.0";
