// The JavaScript handles on libvirt objects. A Connection owns its
// virConnectPtr and the Executor its calls run on; every other handle owns
// one libvirt reference to its object and keeps its Connection alive.
#pragma once

#include <libvirt/libvirt.h>
#include <napi.h>

#include <memory>
#include <string>

#include "executor.h"

namespace novakit {

class Connection : public Napi::ObjectWrap<Connection> {
 public:
  static Napi::FunctionReference ctor;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Connection(const Napi::CallbackInfo& info);
  ~Connection() override;

  virConnectPtr conn() const { return conn_; }
  void set_conn(virConnectPtr c) { conn_ = c; }
  Executor& executor() { return *executor_; }
  bool closed() const { return conn_ == nullptr; }
  /** Settles every queued call, then closes the connection. Idempotent. */
  void Close();

 private:
  virConnectPtr conn_ = nullptr;
  std::unique_ptr<Executor> executor_;
};

template <class P>
struct Traits;
template <>
struct Traits<virDomainPtr> {
  static constexpr const char* kName = "Domain";
  static void Ref(virDomainPtr p) { virDomainRef(p); }
  static void Free(virDomainPtr p) { virDomainFree(p); }
};
template <>
struct Traits<virDomainSnapshotPtr> {
  static constexpr const char* kName = "DomainSnapshot";
  static void Ref(virDomainSnapshotPtr p) { virDomainSnapshotRef(p); }
  static void Free(virDomainSnapshotPtr p) { virDomainSnapshotFree(p); }
};
template <>
struct Traits<virStoragePoolPtr> {
  static constexpr const char* kName = "StoragePool";
  static void Ref(virStoragePoolPtr p) { virStoragePoolRef(p); }
  static void Free(virStoragePoolPtr p) { virStoragePoolFree(p); }
};
template <>
struct Traits<virStorageVolPtr> {
  static constexpr const char* kName = "StorageVol";
  static void Ref(virStorageVolPtr p) { virStorageVolRef(p); }
  static void Free(virStorageVolPtr p) { virStorageVolFree(p); }
};
template <>
struct Traits<virNetworkPtr> {
  static constexpr const char* kName = "Network";
  static void Ref(virNetworkPtr p) { virNetworkRef(p); }
  static void Free(virNetworkPtr p) { virNetworkFree(p); }
};

template <class P>
class Handle : public Napi::ObjectWrap<Handle<P>> {
 public:
  static inline Napi::FunctionReference ctor;

  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function fn = Napi::ObjectWrap<Handle<P>>::DefineClass(env, Traits<P>::kName, {});
    ctor = Napi::Persistent(fn);
    ctor.SuppressDestruct();
    exports.Set(Traits<P>::kName, fn);
  }

  explicit Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle<P>>(info) {
    if (info.Length() == 2 && info[0].IsObject() && info[1].IsExternal()) {
      connection_ = Napi::Persistent(info[0].As<Napi::Object>());
      ptr_ = static_cast<P>(info[1].As<Napi::External<void>>().Data());
    }
  }

  ~Handle() override {
    if (ptr_ != nullptr) Traits<P>::Free(ptr_);  // only this handle's own reference
  }

  /** A new handle that takes over `ptr`'s one reference. */
  static Napi::Object Wrap(Napi::Env env, Napi::Object connection, P ptr) {
    return ctor.New({connection, Napi::External<void>::New(env, static_cast<void*>(ptr))});
  }

  P ptr() const { return ptr_; }
  Napi::Object connection() const { return connection_.Value(); }
  Connection* owner() const {
    if (connection_.IsEmpty()) return nullptr;
    Connection* c = Napi::ObjectWrap<Connection>::Unwrap(connection_.Value());
    return c->closed() ? nullptr : c;
  }

 private:
  P ptr_ = nullptr;
  Napi::ObjectReference connection_;
};

}  // namespace novakit
