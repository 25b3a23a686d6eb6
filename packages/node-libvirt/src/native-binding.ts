// Loads the compiled addon. Kept apart so that importing the package on a
// machine where it could not be built fails with a clear reason, not a
// dlopen error.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** An opaque native handle on a libvirt object. */
export type NativeHandle = { readonly __native: unique symbol };

// The addon's functions, each taking its handle first. Typed loosely here;
// the classes in this package give them their real signatures.
export type NativeBinding = Record<string, (...args: never[]) => unknown> & {
  Connection: new (threads: number, shortCalls: boolean) => NativeHandle;
};

const addonPath = fileURLToPath(new URL("../build/Release/node_libvirt.node", import.meta.url));

/** Why the binding is not available here, or undefined when it is. @public */
export const unavailableReason: string | undefined = existsSync(addonPath)
  ? undefined
  : "the native addon was not built: libvirt's development files were missing at install time (apt-get install libvirt-dev pkg-config, then reinstall)";

let loaded: NativeBinding | undefined;

export function native(): NativeBinding {
  if (unavailableReason !== undefined)
    throw new Error(`@novakit/node-libvirt: ${unavailableReason}`);
  loaded ??= createRequire(import.meta.url)(addonPath) as NativeBinding;
  return loaded;
}
