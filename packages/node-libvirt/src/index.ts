// The public surface of @novakit/node-libvirt. This file only re-exports.
export {
  CloseReason,
  DomainEvent,
  DomainState,
  ErrorNumber,
  ListDomainsFlags,
  MetadataType,
  ModifyFlags,
  RebootFlags,
  UndefineFlags,
  XmlFlags,
} from "./constants.js";
export {
  Connection,
  Domain,
  type DomainInfo,
  DomainSnapshot,
  isLibvirtError,
  type LibvirtError,
  Network,
  type NodeInfo,
  StoragePool,
  StorageVol,
} from "./libvirt.js";
export { unavailableReason } from "./native-binding.js";
