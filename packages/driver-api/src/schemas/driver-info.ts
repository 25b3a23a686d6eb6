import { Type } from "@sinclair/typebox";
import { identify, Text } from "./common.js";

export const DriverInfoSchema = identify(
  "driver-info",
  Type.Object({
    hypervisorType: Text({ minLength: 1, maxLength: 64 }),
    hypervisorVersion: Type.String({ minLength: 1, maxLength: 64 }),
    capabilities: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      uniqueItems: true,
      description:
        "capability names; names this contract does not know are ignored (a newer driver may declare more)",
    }),
  }),
);

/**
 * What a driver reports once initialised: the hypervisor it reached and the
 * capabilities it can honor on it. A driver declares only what it can honor
 * on the connection it was given.
 *
 * @public
 */
export interface DriverInfo {
  hypervisorType: string;
  hypervisorVersion: string;
  /** Capability names; names this contract does not know are ignored. */
  capabilities: string[];
}
