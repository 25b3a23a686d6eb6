// Snapshot, storage and network calls.
#include <libvirt/libvirt.h>

#include "calls.h"

namespace novakit {
namespace {

using Dom = virDomainPtr;
using Snap = virDomainSnapshotPtr;
using Pool = virStoragePoolPtr;
using Vol = virStorageVolPtr;
using Net = virNetworkPtr;

std::string Str(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : std::string();
}

/** A call on handle argument 0 (of type P) that returns 0 on success. */
template <class P, class F>
Napi::Value Status(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Handle<P>* h = HandleArg<P>(info, 0, rejected);
  if (h == nullptr) return rejected;
  return OnHandle(info.Env(), h, what, [f](P p) { return f(p) == 0; }, Undefined);
}

/** A call on handle argument 0 (of type P) that returns a string libvirt allocated. */
template <class P, class F>
Napi::Value String(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Handle<P>* h = HandleArg<P>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<char*>(nullptr);
  return OnHandle(
      info.Env(), h, what, [out, f](P p) { return (*out = f(p)) != nullptr; },
      [out](Napi::Env e) {
        char* s = *out;
        *out = nullptr;
        return TakeString(e, s);
      });
}

/** A call on handle argument 0 (of type P) that makes a new object of type Q. */
template <class P, class Q, class F>
Napi::Value NewFrom(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Handle<P>* h = HandleArg<P>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto slot = std::make_shared<NewHandle<Q>>();
  slot->connection = Napi::Persistent(h->connection());
  return OnHandle(
      info.Env(), h, what, [slot, f](P p) { return (slot->ptr = f(p)) != nullptr; },
      [slot](Napi::Env e) { return slot->Take(e); });
}

/** A call on the connection in argument 0 that makes a new object of type Q. */
template <class Q, class F>
Napi::Value NewFromConn(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto slot = std::make_shared<NewHandle<Q>>();
  slot->connection = Napi::Persistent(info[0].As<Napi::Object>());
  return OnConn(
      info.Env(), c, what, [slot, f](virConnectPtr conn) { return (slot->ptr = f(conn)) != nullptr; },
      [slot](Napi::Env e) { return slot->Take(e); });
}

/** A list call on handle argument 0 (or the connection) that returns objects of type Q. */
template <class Q, class F>
Napi::Value ListFromConn(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto slot = std::make_shared<NewHandles<Q>>();
  slot->connection = Napi::Persistent(info[0].As<Napi::Object>());
  return OnConn(
      info.Env(), c, what, [slot, f](virConnectPtr conn) { return (slot->count = f(conn, &slot->list)) >= 0; },
      [slot](Napi::Env e) { return slot->Take(e); });
}

template <class P, class Q, class F>
Napi::Value ListFrom(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Handle<P>* h = HandleArg<P>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto slot = std::make_shared<NewHandles<Q>>();
  slot->connection = Napi::Persistent(h->connection());
  return OnHandle(
      info.Env(), h, what, [slot, f](P p) { return (slot->count = f(p, &slot->list)) >= 0; },
      [slot](Napi::Env e) { return slot->Take(e); });
}

// ---------------------------------------------------------------- snapshots

Napi::Value SnapshotCreateXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return NewFrom<Dom, Snap>(info, "cannot create the snapshot",
                            [xml, flags](Dom d) { return virDomainSnapshotCreateXML(d, xml.c_str(), flags); });
}
Napi::Value SnapshotLookupByName(const Napi::CallbackInfo& info) {
  std::string name = Str(info, 1);
  return NewFrom<Dom, Snap>(info, "cannot look up the snapshot",
                            [name](Dom d) { return virDomainSnapshotLookupByName(d, name.c_str(), 0); });
}
Napi::Value ListAllSnapshots(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return ListFrom<Dom, Snap>(info, "cannot list the snapshots",
                             [flags](Dom d, Snap** list) { return virDomainListAllSnapshots(d, list, flags); });
}
Napi::Value SnapshotGetXMLDesc(const Napi::CallbackInfo& info) {
  return String<Snap>(info, "cannot read the snapshot XML", [](Snap s) { return virDomainSnapshotGetXMLDesc(s, 0); });
}
Napi::Value SnapshotRevert(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return Status<Snap>(info, "cannot revert to the snapshot", [flags](Snap s) { return virDomainRevertToSnapshot(s, flags); });
}
Napi::Value SnapshotDelete(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return Status<Snap>(info, "cannot delete the snapshot", [flags](Snap s) { return virDomainSnapshotDelete(s, flags); });
}
Napi::Value SnapshotGetName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return env.Undefined();
  Handle<Snap>* h = Napi::ObjectWrap<Handle<Snap>>::Unwrap(info[0].As<Napi::Object>());
  const char* name = h->ptr() == nullptr ? nullptr : virDomainSnapshotGetName(h->ptr());
  return name == nullptr ? env.Undefined() : Napi::String::New(env, name);
}

// ---------------------------------------------------------------- storage

Napi::Value ListAllStoragePools(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return ListFromConn<Pool>(info, "cannot list the storage pools",
                            [flags](virConnectPtr c, Pool** list) { return virConnectListAllStoragePools(c, list, flags); });
}
Napi::Value StoragePoolLookupByName(const Napi::CallbackInfo& info) {
  std::string name = Str(info, 1);
  return NewFromConn<Pool>(info, "cannot look up the storage pool",
                           [name](virConnectPtr c) { return virStoragePoolLookupByName(c, name.c_str()); });
}
Napi::Value StoragePoolCreateXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  return NewFromConn<Pool>(info, "cannot create the storage pool",
                           [xml](virConnectPtr c) { return virStoragePoolCreateXML(c, xml.c_str(), 0); });
}
Napi::Value StoragePoolDefineXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  return NewFromConn<Pool>(info, "cannot define the storage pool",
                           [xml](virConnectPtr c) { return virStoragePoolDefineXML(c, xml.c_str(), 0); });
}
Napi::Value StoragePoolCreate(const Napi::CallbackInfo& info) {
  return Status<Pool>(info, "cannot start the storage pool", [](Pool p) { return virStoragePoolCreate(p, 0); });
}
Napi::Value StoragePoolDestroy(const Napi::CallbackInfo& info) {
  return Status<Pool>(info, "cannot stop the storage pool", [](Pool p) { return virStoragePoolDestroy(p); });
}
Napi::Value StoragePoolUndefine(const Napi::CallbackInfo& info) {
  return Status<Pool>(info, "cannot undefine the storage pool", [](Pool p) { return virStoragePoolUndefine(p); });
}
/** isActive on a pool or network: libvirt answers 1, 0, or -1 with its error set. */
template <class P, class Fn>
Napi::Value IsActive(const Napi::CallbackInfo& info, const char* what, Fn fn) {
  Napi::Value rejected;
  Handle<P>* h = HandleArg<P>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<int>(0);
  return OnHandle(
      info.Env(), h, what, [out, fn](P p) { return (*out = fn(p)) >= 0; },
      [out](Napi::Env e) { return Napi::Boolean::New(e, *out == 1); });
}
Napi::Value StoragePoolIsActive(const Napi::CallbackInfo& info) {
  return IsActive<Pool>(info, "cannot tell whether the storage pool runs", [](Pool p) { return virStoragePoolIsActive(p); });
}
Napi::Value NetworkIsActive(const Napi::CallbackInfo& info) {
  return IsActive<Net>(info, "cannot tell whether the network runs", [](Net n) { return virNetworkIsActive(n); });
}
Napi::Value StoragePoolRefresh(const Napi::CallbackInfo& info) {
  return Status<Pool>(info, "cannot refresh the storage pool", [](Pool p) { return virStoragePoolRefresh(p, 0); });
}
Napi::Value StoragePoolGetXMLDesc(const Napi::CallbackInfo& info) {
  return String<Pool>(info, "cannot read the storage pool XML", [](Pool p) { return virStoragePoolGetXMLDesc(p, 0); });
}
Napi::Value StoragePoolListAllVolumes(const Napi::CallbackInfo& info) {
  return ListFrom<Pool, Vol>(info, "cannot list the volumes",
                             [](Pool p, Vol** list) { return virStoragePoolListAllVolumes(p, list, 0); });
}
Napi::Value StorageVolLookupByName(const Napi::CallbackInfo& info) {
  std::string name = Str(info, 1);
  return NewFrom<Pool, Vol>(info, "cannot look up the volume",
                            [name](Pool p) { return virStorageVolLookupByName(p, name.c_str()); });
}
Napi::Value StorageVolCreateXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return NewFrom<Pool, Vol>(info, "cannot create the volume",
                            [xml, flags](Pool p) { return virStorageVolCreateXML(p, xml.c_str(), flags); });
}
Napi::Value StorageVolCreateXMLFrom(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Vol>* source = HandleArg<Vol>(info, 2, rejected);
  if (source == nullptr) return rejected;
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 3);
  Vol src = source->ptr();
  virStorageVolRef(src);
  auto held = std::shared_ptr<void>(nullptr, [src](void*) { virStorageVolFree(src); });
  return NewFrom<Pool, Vol>(info, "cannot create the volume from another",
                            [xml, flags, src, held](Pool p) { return virStorageVolCreateXMLFrom(p, xml.c_str(), src, flags); });
}
Napi::Value StorageVolDelete(const Napi::CallbackInfo& info) {
  return Status<Vol>(info, "cannot delete the volume", [](Vol v) { return virStorageVolDelete(v, 0); });
}
Napi::Value StorageVolGetPath(const Napi::CallbackInfo& info) {
  return String<Vol>(info, "cannot read the volume path", [](Vol v) { return virStorageVolGetPath(v); });
}
Napi::Value StorageVolGetInfo(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Vol>* h = HandleArg<Vol>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<virStorageVolInfo>();
  return OnHandle(
      info.Env(), h, "cannot read the volume info", [out](Vol v) { return virStorageVolGetInfo(v, out.get()) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("type", Napi::Number::New(e, out->type));
        o.Set("capacityBytes", Napi::Number::New(e, static_cast<double>(out->capacity)));
        o.Set("allocationBytes", Napi::Number::New(e, static_cast<double>(out->allocation)));
        return o;
      });
}

// ---------------------------------------------------------------- networks

Napi::Value ListAllNetworks(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return ListFromConn<Net>(info, "cannot list the networks",
                           [flags](virConnectPtr c, Net** list) { return virConnectListAllNetworks(c, list, flags); });
}
Napi::Value NetworkLookupByName(const Napi::CallbackInfo& info) {
  std::string name = Str(info, 1);
  return NewFromConn<Net>(info, "cannot look up the network",
                          [name](virConnectPtr c) { return virNetworkLookupByName(c, name.c_str()); });
}
Napi::Value NetworkDefineXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  return NewFromConn<Net>(info, "cannot define the network",
                          [xml](virConnectPtr c) { return virNetworkDefineXML(c, xml.c_str()); });
}
Napi::Value NetworkCreate(const Napi::CallbackInfo& info) {
  return Status<Net>(info, "cannot start the network", [](Net n) { return virNetworkCreate(n); });
}
Napi::Value NetworkDestroy(const Napi::CallbackInfo& info) {
  return Status<Net>(info, "cannot stop the network", [](Net n) { return virNetworkDestroy(n); });
}
Napi::Value NetworkUndefine(const Napi::CallbackInfo& info) {
  return Status<Net>(info, "cannot undefine the network", [](Net n) { return virNetworkUndefine(n); });
}
Napi::Value NetworkGetXMLDesc(const Napi::CallbackInfo& info) {
  return String<Net>(info, "cannot read the network XML", [](Net n) { return virNetworkGetXMLDesc(n, 0); });
}

}  // namespace

void InitObjects(Napi::Env env, Napi::Object exports) {
  Handle<Snap>::Init(env, exports);
  Handle<Pool>::Init(env, exports);
  Handle<Vol>::Init(env, exports);
  Handle<Net>::Init(env, exports);
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> fns[] = {
      {"domainSnapshotCreateXML", SnapshotCreateXML},
      {"domainSnapshotLookupByName", SnapshotLookupByName},
      {"domainListAllSnapshots", ListAllSnapshots},
      {"snapshotGetXMLDesc", SnapshotGetXMLDesc},
      {"snapshotRevert", SnapshotRevert},
      {"snapshotDelete", SnapshotDelete},
      {"snapshotGetName", SnapshotGetName},
      {"connectListAllStoragePools", ListAllStoragePools},
      {"storagePoolLookupByName", StoragePoolLookupByName},
      {"storagePoolCreateXML", StoragePoolCreateXML},
      {"storagePoolDefineXML", StoragePoolDefineXML},
      {"storagePoolCreate", StoragePoolCreate},
      {"storagePoolDestroy", StoragePoolDestroy},
      {"storagePoolUndefine", StoragePoolUndefine},
      {"storagePoolRefresh", StoragePoolRefresh},
      {"storagePoolIsActive", StoragePoolIsActive},
      {"storagePoolGetXMLDesc", StoragePoolGetXMLDesc},
      {"storagePoolListAllVolumes", StoragePoolListAllVolumes},
      {"storageVolLookupByName", StorageVolLookupByName},
      {"storageVolCreateXML", StorageVolCreateXML},
      {"storageVolCreateXMLFrom", StorageVolCreateXMLFrom},
      {"storageVolDelete", StorageVolDelete},
      {"storageVolGetPath", StorageVolGetPath},
      {"storageVolGetInfo", StorageVolGetInfo},
      {"connectListAllNetworks", ListAllNetworks},
      {"networkLookupByName", NetworkLookupByName},
      {"networkDefineXML", NetworkDefineXML},
      {"networkCreate", NetworkCreate},
      {"networkDestroy", NetworkDestroy},
      {"networkUndefine", NetworkUndefine},
      {"networkGetXMLDesc", NetworkGetXMLDesc},
      {"networkIsActive", NetworkIsActive},
  };
  for (const auto& [name, fn] : fns) exports.Set(name, Napi::Function::New(env, fn, name));
}

}  // namespace novakit
