// The N-API surface: Connection and Domain handles whose libvirt calls run
// on the connection's Executor. Every queued call holds its own libvirt
// reference to the objects it uses, taken on the JavaScript thread before it
// is queued and dropped after it settles, so a handle that is garbage
// collected mid-call cannot free the pointer a worker is using.
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <napi.h>

#include <string>

#include "executor.h"

namespace novakit {

class Domain;

class Connection : public Napi::ObjectWrap<Connection> {
 public:
  static Napi::FunctionReference constructor;
  static Napi::Object Init(Napi::Env env, Napi::Object exports);
  explicit Connection(const Napi::CallbackInfo& info);
  ~Connection() override;

  virConnectPtr conn() const { return conn_; }
  Executor& executor() { return *executor_; }
  bool closed() const { return conn_ == nullptr; }

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value GetLibVersion(const Napi::CallbackInfo& info);
  Napi::Value DefineXML(const Napi::CallbackInfo& info);
  Napi::Value LookupByUUIDString(const Napi::CallbackInfo& info);

  virConnectPtr conn_ = nullptr;
  std::unique_ptr<Executor> executor_;
};

Napi::FunctionReference Connection::constructor;

class Domain : public Napi::ObjectWrap<Domain> {
 public:
  static Napi::FunctionReference constructor;
  static Napi::Object Init(Napi::Env env, Napi::Object exports);
  explicit Domain(const Napi::CallbackInfo& info);
  ~Domain() override;
  /** Wraps a domain pointer whose one reference the new handle takes over. */
  static Napi::Object Wrap(Napi::Env env, Napi::Object connection, virDomainPtr dom);

 private:
  Napi::Value Create(const Napi::CallbackInfo& info);
  Napi::Value Destroy(const Napi::CallbackInfo& info);
  Napi::Value Undefine(const Napi::CallbackInfo& info);
  Napi::Value GetInfo(const Napi::CallbackInfo& info);
  Napi::Value GetUUIDString(const Napi::CallbackInfo& info);
  Connection* Owner(Napi::Env env);

  virDomainPtr dom_ = nullptr;
  Napi::ObjectReference connection_;  // keeps the connection alive while the handle is
};

Napi::FunctionReference Domain::constructor;

// ---------------------------------------------------------------- jobs

/**
 * A job made of three lambdas, stored by value (a std::function each would
 * cost a heap allocation per call): `run` on a worker thread returns false
 * on failure; `result` builds the value on the JavaScript thread; `release`
 * drops what the call held.
 */
template <class RunFn, class ResultFn, class ReleaseFn>
class FnJob : public Job {
 public:
  FnJob(Napi::Env env, RunFn run, ResultFn result, ReleaseFn release, const char* what)
      : Job(env), run_(std::move(run)), result_(std::move(result)), release_(std::move(release)), what_(what) {}
  void Run() override {
    if (!run_()) error_.Capture(what_);
  }
  Napi::Value Result(Napi::Env env) override { return result_(env); }
  void Release() override { release_(); }

 private:
  RunFn run_;
  ResultFn result_;
  ReleaseFn release_;
  const char* what_;
};

template <class RunFn, class ResultFn, class ReleaseFn>
Job* MakeJob(Napi::Env env, RunFn run, ResultFn result, ReleaseFn release, const char* what) {
  return new FnJob<RunFn, ResultFn, ReleaseFn>(env, std::move(run), std::move(result), std::move(release), what);
}

static Napi::Value Undefined(Napi::Env env) { return env.Undefined(); }

static Napi::Value Rejected(Napi::Env env, const std::string& message) {
  auto deferred = Napi::Promise::Deferred::New(env);
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("name", Napi::String::New(env, "LibvirtError"));
  e.Set("code", Napi::Number::New(env, -1));
  deferred.Reject(e.Value());
  return deferred.Promise();
}

// ---------------------------------------------------------------- Connection

Napi::Object Connection::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "Connection",
                                  {
                                      InstanceMethod("open", &Connection::Open),
                                      InstanceMethod("close", &Connection::Close),
                                      InstanceMethod("getLibVersion", &Connection::GetLibVersion),
                                      InstanceMethod("defineXML", &Connection::DefineXML),
                                      InstanceMethod("lookupByUUIDString", &Connection::LookupByUUIDString),
                                  });
  constructor = Napi::Persistent(fn);
  constructor.SuppressDestruct();
  exports.Set("Connection", fn);
  return exports;
}

Connection::Connection(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Connection>(info) {
  int threads = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 4;
  executor_ = std::make_unique<Executor>(info.Env(), threads < 1 ? 1 : threads);
}

Connection::~Connection() {
  executor_->Shutdown();
  if (conn_ != nullptr) virConnectClose(conn_);
}

Napi::Value Connection::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (conn_ != nullptr) return Rejected(env, "connection is already open");
  std::string uri = info[0].As<Napi::String>();
  auto* result = new virConnectPtr(nullptr);
  Job* job = MakeJob(
      env, [uri, result] { return (*result = virConnectOpen(uri.c_str())) != nullptr; },
      [this, result](Napi::Env e) {
        conn_ = *result;
        return e.Undefined();
      },
      [result] { delete result; }, "cannot open connection");
  executor_->Submit(job);
  return job->Promise();
}

Napi::Value Connection::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto deferred = Napi::Promise::Deferred::New(env);
  executor_->Shutdown();  // settles every queued call first
  if (conn_ != nullptr) {
    virConnectClose(conn_);
    conn_ = nullptr;
  }
  deferred.Resolve(env.Undefined());
  return deferred.Promise();
}

Napi::Value Connection::GetLibVersion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed()) return Rejected(env, "connection is closed");
  virConnectPtr conn = conn_;
  virConnectRef(conn);
  auto* version = new unsigned long(0);
  Job* job = MakeJob(
      env, [conn, version] { return virConnectGetLibVersion(conn, version) == 0; },
      [version](Napi::Env e) { return Napi::Number::New(e, static_cast<double>(*version)); },
      [conn, version] {
        virConnectClose(conn);
        delete version;
      },
      "cannot read the library version");
  executor_->Submit(job);
  return job->Promise();
}

Napi::Value Connection::DefineXML(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed()) return Rejected(env, "connection is closed");
  std::string xml = info[0].As<Napi::String>();
  virConnectPtr conn = conn_;
  virConnectRef(conn);
  auto* dom = new virDomainPtr(nullptr);
  Napi::ObjectReference self = Napi::Persistent(Value());
  auto* selfRef = new Napi::ObjectReference(std::move(self));
  Job* job = MakeJob(
      env, [conn, xml, dom] { return (*dom = virDomainDefineXML(conn, xml.c_str())) != nullptr; },
      [dom, selfRef](Napi::Env e) {
        Napi::Object handle = Domain::Wrap(e, selfRef->Value(), *dom);
        *dom = nullptr;
        return handle;
      },
      [conn, dom, selfRef] {
        virConnectClose(conn);
        if (*dom != nullptr) virDomainFree(*dom);
        delete dom;
        delete selfRef;
      },
      "cannot define the domain");
  executor_->Submit(job);
  return job->Promise();
}

Napi::Value Connection::LookupByUUIDString(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed()) return Rejected(env, "connection is closed");
  std::string uuid = info[0].As<Napi::String>();
  virConnectPtr conn = conn_;
  virConnectRef(conn);
  auto* dom = new virDomainPtr(nullptr);
  auto* selfRef = new Napi::ObjectReference(Napi::Persistent(Value()));
  Job* job = MakeJob(
      env, [conn, uuid, dom] { return (*dom = virDomainLookupByUUIDString(conn, uuid.c_str())) != nullptr; },
      [dom, selfRef](Napi::Env e) {
        Napi::Object handle = Domain::Wrap(e, selfRef->Value(), *dom);
        *dom = nullptr;
        return handle;
      },
      [conn, dom, selfRef] {
        virConnectClose(conn);
        if (*dom != nullptr) virDomainFree(*dom);
        delete dom;
        delete selfRef;
      },
      "cannot look up the domain");
  executor_->Submit(job);
  return job->Promise();
}

// ---------------------------------------------------------------- Domain

Napi::Object Domain::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "Domain",
                                  {
                                      InstanceMethod("create", &Domain::Create),
                                      InstanceMethod("destroy", &Domain::Destroy),
                                      InstanceMethod("undefine", &Domain::Undefine),
                                      InstanceMethod("getInfo", &Domain::GetInfo),
                                      InstanceMethod("getUUIDString", &Domain::GetUUIDString),
                                  });
  constructor = Napi::Persistent(fn);
  constructor.SuppressDestruct();
  exports.Set("Domain", fn);
  return exports;
}

Domain::Domain(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Domain>(info) {
  // Made only by Wrap: (connection, External<virDomain>).
  if (info.Length() == 2 && info[1].IsExternal()) {
    connection_ = Napi::Persistent(info[0].As<Napi::Object>());
    dom_ = info[1].As<Napi::External<virDomain>>().Data();
  }
}

Domain::~Domain() {
  if (dom_ != nullptr) virDomainFree(dom_);  // drops only this handle's own reference
}

Napi::Object Domain::Wrap(Napi::Env env, Napi::Object connection, virDomainPtr dom) {
  return constructor.New({connection, Napi::External<virDomain>::New(env, dom)});
}

Connection* Domain::Owner(Napi::Env env) {
  if (connection_.IsEmpty() || dom_ == nullptr) return nullptr;
  Connection* c = Napi::ObjectWrap<Connection>::Unwrap(connection_.Value());
  return c->closed() ? nullptr : c;
}

/** Queues a call on this domain, holding its own reference to it for the call's lifetime. */
#define NOVAKIT_DOMAIN_CALL(RUN_EXPR, RESULT_FN, WHAT)                                  \
  Napi::Env env = info.Env();                                                        \
  Connection* owner = Owner(env);                                                    \
  if (owner == nullptr) return Rejected(env, "the domain's connection is closed");  \
  virDomainPtr dom = dom_;                                                           \
  virDomainRef(dom);                                                                 \
  Job* job = MakeJob(env, [dom]() { return (RUN_EXPR); }, RESULT_FN,        \
                            [dom] { virDomainFree(dom); }, WHAT);                    \
  owner->executor().Submit(job);                                                     \
  return job->Promise();

Napi::Value Domain::Create(const Napi::CallbackInfo& info) {
  NOVAKIT_DOMAIN_CALL(virDomainCreate(dom) == 0, Undefined, "cannot start the domain")
}

Napi::Value Domain::Destroy(const Napi::CallbackInfo& info) {
  NOVAKIT_DOMAIN_CALL(virDomainDestroy(dom) == 0, Undefined, "cannot destroy the domain")
}

Napi::Value Domain::Undefine(const Napi::CallbackInfo& info) {
  NOVAKIT_DOMAIN_CALL(virDomainUndefine(dom) == 0, Undefined, "cannot undefine the domain")
}

Napi::Value Domain::GetInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Connection* owner = Owner(env);
  if (owner == nullptr) return Rejected(env, "the domain's connection is closed");
  virDomainPtr dom = dom_;
  virDomainRef(dom);
  auto* out = new virDomainInfo();
  Job* job = MakeJob(
      env, [dom, out] { return virDomainGetInfo(dom, out) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("state", Napi::Number::New(e, out->state));
        o.Set("maxMemKiB", Napi::Number::New(e, static_cast<double>(out->maxMem)));
        o.Set("memoryKiB", Napi::Number::New(e, static_cast<double>(out->memory)));
        o.Set("vcpus", Napi::Number::New(e, out->nrVirtCpu));
        o.Set("cpuTimeNs", Napi::Number::New(e, static_cast<double>(out->cpuTime)));
        return o;
      },
      [dom, out] {
        virDomainFree(dom);
        delete out;
      },
      "cannot read the domain's info");
  owner->executor().Submit(job);
  return job->Promise();
}

Napi::Value Domain::GetUUIDString(const Napi::CallbackInfo& info) {
  // The UUID is held locally by every driver, so this never blocks.
  char uuid[VIR_UUID_STRING_BUFLEN];
  if (dom_ == nullptr || virDomainGetUUIDString(dom_, uuid) != 0) {
    Napi::Error::New(info.Env(), "cannot read the domain's UUID").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::String::New(info.Env(), uuid);
}

}  // namespace novakit

static void SilenceDefaultErrorPrinting() {
  // libvirt prints every error to stderr unless told not to; errors reach
  // JavaScript as LibvirtError instead.
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
}

Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  if (virInitialize() < 0) {
    Napi::Error::New(env, "virInitialize failed").ThrowAsJavaScriptException();
    return exports;
  }
  SilenceDefaultErrorPrinting();
  novakit::Connection::Init(env, exports);
  novakit::Domain::Init(env, exports);
  return exports;
}

NODE_API_MODULE(node_libvirt, InitAll)
