import type { ObjectDef } from "./base.js";
import { HostReportObject } from "./host-report.js";
import { InstanceObject } from "./instance.js";
import { RequestSpecObject, SelectionObject } from "./request-spec.js";
import { ResourceProviderObject } from "./resource-provider.js";

/** Every payload object, by name. @public */
export const OBJECTS: Readonly<Record<string, ObjectDef<object>>> = {
  Instance: InstanceObject as unknown as ObjectDef<object>,
  RequestSpec: RequestSpecObject as unknown as ObjectDef<object>,
  Selection: SelectionObject as unknown as ObjectDef<object>,
  HostReport: HostReportObject as unknown as ObjectDef<object>,
  ResourceProvider: ResourceProviderObject as unknown as ObjectDef<object>,
};

/** Object name -> version. @public */
export type ObjectVersions = Readonly<Record<string, string>>;

/** The versions this build writes and reads. @public */
export const CURRENT_OBJECT_VERSIONS: ObjectVersions = Object.fromEntries(
  Object.values(OBJECTS).map((def) => [def.name, def.version]),
);
