// Domain calls. Each argument is read on the JavaScript thread and copied
// into the call; each call holds its own reference to the domain.
#include <libvirt/libvirt.h>

#include "calls.h"

namespace novakit {
namespace {

using Dom = virDomainPtr;

/** A call on the domain in argument 0 that returns 0 on success. */
template <class F>
Napi::Value DomStatus(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  return OnHandle(info.Env(), h, what, [f](Dom d) { return f(d) == 0; }, Undefined);
}

std::string Str(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() > i && info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : std::string();
}

/** A call on the connection in argument 0 that makes a new domain. */
template <class F>
Napi::Value ConnNewDomain(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto slot = std::make_shared<NewHandle<Dom>>();
  slot->connection = Napi::Persistent(info[0].As<Napi::Object>());
  return OnConn(
      info.Env(), c, what, [slot, f](virConnectPtr conn) { return (slot->ptr = f(conn)) != nullptr; },
      [slot](Napi::Env e) { return slot->Take(e); });
}

Napi::Value DomainDefineXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return ConnNewDomain(info, "cannot define the domain",
                       [xml, flags](virConnectPtr c) { return virDomainDefineXMLFlags(c, xml.c_str(), flags); });
}

Napi::Value DomainCreateXML(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return ConnNewDomain(info, "cannot create the domain",
                       [xml, flags](virConnectPtr c) { return virDomainCreateXML(c, xml.c_str(), flags); });
}

Napi::Value DomainLookupByUUIDString(const Napi::CallbackInfo& info) {
  std::string uuid = Str(info, 1);
  return ConnNewDomain(info, "cannot look up the domain",
                       [uuid](virConnectPtr c) { return virDomainLookupByUUIDString(c, uuid.c_str()); });
}

Napi::Value DomainLookupByName(const Napi::CallbackInfo& info) {
  std::string name = Str(info, 1);
  return ConnNewDomain(info, "cannot look up the domain",
                       [name](virConnectPtr c) { return virDomainLookupByName(c, name.c_str()); });
}

Napi::Value ConnectListAllDomains(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  unsigned int flags = Flags(info, 1);
  auto slot = std::make_shared<NewHandles<Dom>>();
  slot->connection = Napi::Persistent(info[0].As<Napi::Object>());
  return OnConn(
      info.Env(), c, "cannot list the domains",
      [slot, flags](virConnectPtr conn) { return (slot->count = virConnectListAllDomains(conn, &slot->list, flags)) >= 0; },
      [slot](Napi::Env e) { return slot->Take(e); });
}

Napi::Value DomainCreate(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomStatus(info, "cannot start the domain", [flags](Dom d) { return virDomainCreateWithFlags(d, flags); });
}
Napi::Value DomainDestroy(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomStatus(info, "cannot destroy the domain", [flags](Dom d) { return virDomainDestroyFlags(d, flags); });
}
Napi::Value DomainShutdown(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomStatus(info, "cannot shut the domain down", [flags](Dom d) { return virDomainShutdownFlags(d, flags); });
}
Napi::Value DomainReboot(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomStatus(info, "cannot reboot the domain", [flags](Dom d) { return virDomainReboot(d, flags); });
}
Napi::Value DomainReset(const Napi::CallbackInfo& info) {
  return DomStatus(info, "cannot reset the domain", [](Dom d) { return virDomainReset(d, 0); });
}
Napi::Value DomainSuspend(const Napi::CallbackInfo& info) {
  return DomStatus(info, "cannot suspend the domain", [](Dom d) { return virDomainSuspend(d); });
}
Napi::Value DomainResume(const Napi::CallbackInfo& info) {
  return DomStatus(info, "cannot resume the domain", [](Dom d) { return virDomainResume(d); });
}
Napi::Value DomainManagedSave(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomStatus(info, "cannot save the domain", [flags](Dom d) { return virDomainManagedSave(d, flags); });
}
Napi::Value DomainManagedSaveRemove(const Napi::CallbackInfo& info) {
  return DomStatus(info, "cannot remove the saved image", [](Dom d) { return virDomainManagedSaveRemove(d, 0); });
}
Napi::Value DomainSave(const Napi::CallbackInfo& info) {
  std::string path = Str(info, 1);
  return DomStatus(info, "cannot save the domain", [path](Dom d) { return virDomainSave(d, path.c_str()); });
}
Napi::Value DomainRestore(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  std::string path = Str(info, 1);
  return OnConn(
      info.Env(), c, "cannot restore the domain", [path](virConnectPtr conn) { return virDomainRestore(conn, path.c_str()) == 0; },
      Undefined);
}
Napi::Value DomainUndefine(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomStatus(info, "cannot undefine the domain", [flags](Dom d) { return virDomainUndefineFlags(d, flags); });
}
Napi::Value DomainAttachDevice(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return DomStatus(info, "cannot attach the device",
                   [xml, flags](Dom d) { return virDomainAttachDeviceFlags(d, xml.c_str(), flags); });
}
Napi::Value DomainDetachDevice(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return DomStatus(info, "cannot detach the device",
                   [xml, flags](Dom d) { return virDomainDetachDeviceFlags(d, xml.c_str(), flags); });
}
Napi::Value DomainUpdateDevice(const Napi::CallbackInfo& info) {
  std::string xml = Str(info, 1);
  unsigned int flags = Flags(info, 2);
  return DomStatus(info, "cannot update the device",
                   [xml, flags](Dom d) { return virDomainUpdateDeviceFlags(d, xml.c_str(), flags); });
}
Napi::Value DomainSetVcpus(const Napi::CallbackInfo& info) {
  unsigned int n = Flags(info, 1);
  unsigned int flags = Flags(info, 2);
  return DomStatus(info, "cannot set the vCPUs", [n, flags](Dom d) { return virDomainSetVcpusFlags(d, n, flags); });
}
Napi::Value DomainSetMemory(const Napi::CallbackInfo& info) {
  unsigned long kib = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int64Value() : 0;
  unsigned int flags = Flags(info, 2);
  return DomStatus(info, "cannot set the memory", [kib, flags](Dom d) { return virDomainSetMemoryFlags(d, kib, flags); });
}
Napi::Value DomainSetMaxMemory(const Napi::CallbackInfo& info) {
  unsigned long kib = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int64Value() : 0;
  return DomStatus(info, "cannot set the maximum memory", [kib](Dom d) { return virDomainSetMaxMemory(d, kib); });
}
Napi::Value DomainSetMetadata(const Napi::CallbackInfo& info) {
  int type = static_cast<int>(Flags(info, 1));
  bool clear = info.Length() > 2 && info[2].IsNull();
  std::string metadata = Str(info, 2);
  std::string key = Str(info, 3);
  std::string uri = Str(info, 4);
  unsigned int flags = Flags(info, 5);
  return DomStatus(info, "cannot set the metadata", [=](Dom d) {
    return virDomainSetMetadata(d, type, clear ? nullptr : metadata.c_str(), key.empty() ? nullptr : key.c_str(),
                                uri.empty() ? nullptr : uri.c_str(), flags);
  });
}

/** A domain call that returns a string libvirt allocated. */
template <class F>
Napi::Value DomString(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<char*>(nullptr);
  return OnHandle(
      info.Env(), h, what, [out, f](Dom d) { return (*out = f(d)) != nullptr; },
      [out](Napi::Env e) {
        char* s = *out;
        *out = nullptr;
        return TakeString(e, s);
      });
}

Napi::Value DomainGetXMLDesc(const Napi::CallbackInfo& info) {
  unsigned int flags = Flags(info, 1);
  return DomString(info, "cannot read the domain XML", [flags](Dom d) { return virDomainGetXMLDesc(d, flags); });
}
Napi::Value DomainGetMetadata(const Napi::CallbackInfo& info) {
  int type = static_cast<int>(Flags(info, 1));
  std::string uri = Str(info, 2);
  unsigned int flags = Flags(info, 3);
  return DomString(info, "cannot read the metadata", [=](Dom d) {
    return virDomainGetMetadata(d, type, uri.empty() ? nullptr : uri.c_str(), flags);
  });
}

Napi::Value DomainGetInfo(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<virDomainInfo>();
  return OnHandle(
      info.Env(), h, "cannot read the domain's info", [out](Dom d) { return virDomainGetInfo(d, out.get()) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("state", Napi::Number::New(e, out->state));
        o.Set("maxMemKiB", Napi::Number::New(e, static_cast<double>(out->maxMem)));
        o.Set("memoryKiB", Napi::Number::New(e, static_cast<double>(out->memory)));
        o.Set("vcpus", Napi::Number::New(e, out->nrVirtCpu));
        o.Set("cpuTimeNs", Napi::Number::New(e, static_cast<double>(out->cpuTime)));
        return o;
      });
}

Napi::Value DomainGetState(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<std::pair<int, int>>(0, 0);
  return OnHandle(
      info.Env(), h, "cannot read the domain's state",
      [out](Dom d) { return virDomainGetState(d, &out->first, &out->second, 0) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("state", Napi::Number::New(e, out->first));
        o.Set("reason", Napi::Number::New(e, out->second));
        return o;
      });
}

Napi::Value DomainHasManagedSaveImage(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<int>(0);
  return OnHandle(
      info.Env(), h, "cannot check for a saved image", [out](Dom d) { return (*out = virDomainHasManagedSaveImage(d, 0)) >= 0; },
      [out](Napi::Env e) { return Napi::Boolean::New(e, *out == 1); });
}

Napi::Value DomainMemoryStats(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  auto out = std::make_shared<std::pair<virDomainMemoryStatStruct[VIR_DOMAIN_MEMORY_STAT_NR], int>>();
  return OnHandle(
      info.Env(), h, "cannot read memory stats",
      [out](Dom d) { return (out->second = virDomainMemoryStats(d, out->first, VIR_DOMAIN_MEMORY_STAT_NR, 0)) >= 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        for (int i = 0; i < out->second; ++i) {
          o.Set(std::to_string(out->first[i].tag), Napi::Number::New(e, static_cast<double>(out->first[i].val)));
        }
        return o;
      });
}

Napi::Value DomainBlockStats(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  std::string path = Str(info, 1);
  auto out = std::make_shared<virDomainBlockStatsStruct>();
  return OnHandle(
      info.Env(), h, "cannot read block stats",
      [out, path](Dom d) { return virDomainBlockStats(d, path.c_str(), out.get(), sizeof(*out)) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("rdReq", Napi::Number::New(e, static_cast<double>(out->rd_req)));
        o.Set("rdBytes", Napi::Number::New(e, static_cast<double>(out->rd_bytes)));
        o.Set("wrReq", Napi::Number::New(e, static_cast<double>(out->wr_req)));
        o.Set("wrBytes", Napi::Number::New(e, static_cast<double>(out->wr_bytes)));
        o.Set("errs", Napi::Number::New(e, static_cast<double>(out->errs)));
        return o;
      });
}

Napi::Value DomainInterfaceStats(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Handle<Dom>* h = HandleArg<Dom>(info, 0, rejected);
  if (h == nullptr) return rejected;
  std::string path = Str(info, 1);
  auto out = std::make_shared<virDomainInterfaceStatsStruct>();
  return OnHandle(
      info.Env(), h, "cannot read interface stats",
      [out, path](Dom d) { return virDomainInterfaceStats(d, path.c_str(), out.get(), sizeof(*out)) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("rxBytes", Napi::Number::New(e, static_cast<double>(out->rx_bytes)));
        o.Set("rxPackets", Napi::Number::New(e, static_cast<double>(out->rx_packets)));
        o.Set("txBytes", Napi::Number::New(e, static_cast<double>(out->tx_bytes)));
        o.Set("txPackets", Napi::Number::New(e, static_cast<double>(out->tx_packets)));
        return o;
      });
}

/** Local state only, answered on the JavaScript thread. */
Napi::Value DomainGetUUIDString(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return env.Undefined();
  Handle<Dom>* h = Napi::ObjectWrap<Handle<Dom>>::Unwrap(info[0].As<Napi::Object>());
  char uuid[VIR_UUID_STRING_BUFLEN];
  if (h->ptr() == nullptr || virDomainGetUUIDString(h->ptr(), uuid) != 0) return env.Undefined();
  return Napi::String::New(env, uuid);
}

Napi::Value DomainGetName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return env.Undefined();
  Handle<Dom>* h = Napi::ObjectWrap<Handle<Dom>>::Unwrap(info[0].As<Napi::Object>());
  const char* name = h->ptr() == nullptr ? nullptr : virDomainGetName(h->ptr());
  return name == nullptr ? env.Undefined() : Napi::String::New(env, name);
}

}  // namespace

void InitDomain(Napi::Env env, Napi::Object exports) {
  Handle<Dom>::Init(env, exports);
  const std::pair<const char*, Napi::Value (*)(const Napi::CallbackInfo&)> fns[] = {
      {"domainDefineXML", DomainDefineXML},
      {"domainCreateXML", DomainCreateXML},
      {"domainLookupByUUIDString", DomainLookupByUUIDString},
      {"domainLookupByName", DomainLookupByName},
      {"connectListAllDomains", ConnectListAllDomains},
      {"domainCreate", DomainCreate},
      {"domainDestroy", DomainDestroy},
      {"domainShutdown", DomainShutdown},
      {"domainReboot", DomainReboot},
      {"domainReset", DomainReset},
      {"domainSuspend", DomainSuspend},
      {"domainResume", DomainResume},
      {"domainManagedSave", DomainManagedSave},
      {"domainManagedSaveRemove", DomainManagedSaveRemove},
      {"domainHasManagedSaveImage", DomainHasManagedSaveImage},
      {"domainSave", DomainSave},
      {"domainRestore", DomainRestore},
      {"domainUndefine", DomainUndefine},
      {"domainAttachDevice", DomainAttachDevice},
      {"domainDetachDevice", DomainDetachDevice},
      {"domainUpdateDevice", DomainUpdateDevice},
      {"domainSetVcpus", DomainSetVcpus},
      {"domainSetMemory", DomainSetMemory},
      {"domainSetMaxMemory", DomainSetMaxMemory},
      {"domainSetMetadata", DomainSetMetadata},
      {"domainGetMetadata", DomainGetMetadata},
      {"domainGetXMLDesc", DomainGetXMLDesc},
      {"domainGetInfo", DomainGetInfo},
      {"domainGetState", DomainGetState},
      {"domainMemoryStats", DomainMemoryStats},
      {"domainBlockStats", DomainBlockStats},
      {"domainInterfaceStats", DomainInterfaceStats},
      {"domainGetUUIDString", DomainGetUUIDString},
      {"domainGetName", DomainGetName},
  };
  for (const auto& [name, fn] : fns) exports.Set(name, Napi::Function::New(env, fn, name));
}

}  // namespace novakit
