// Connection lifecycle and connection-level calls.
#include <libvirt/libvirt.h>

#include "calls.h"

namespace novakit {

Napi::FunctionReference Connection::ctor;

void Connection::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "Connection", {});
  ctor = Napi::Persistent(fn);
  ctor.SuppressDestruct();
  exports.Set("Connection", fn);
}

Connection::Connection(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Connection>(info) {
  int threads = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 4;
  bool short_calls = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
  executor_ = std::make_unique<Executor>(info.Env(), threads < 1 ? 1 : (threads > 64 ? 64 : threads), short_calls);
}

Connection::~Connection() { Close(); }

void Connection::Close() {
  executor_->Shutdown();
  if (conn_ != nullptr) {
    virConnectClose(conn_);
    conn_ = nullptr;
  }
}

namespace {

Napi::Value ConnectOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsString()) {
    return Rejected(env, "connectOpen(connection, uri)");
  }
  Connection* c = Napi::ObjectWrap<Connection>::Unwrap(info[0].As<Napi::Object>());
  if (!c->closed()) return Rejected(env, "connection is already open");
  std::string uri = info[1].As<Napi::String>();
  auto slot = std::make_shared<virConnectPtr>(nullptr);
  Job* job = MakeJob(
      env, [uri, slot] { return (*slot = virConnectOpen(uri.c_str())) != nullptr; },
      [c, slot](Napi::Env e) {
        c->set_conn(*slot);
        *slot = nullptr;
        return e.Undefined();
      },
      [slot] {
        if (*slot != nullptr) virConnectClose(*slot);
      },
      "cannot open the connection");
  c->executor().Submit(job);
  return job->Promise();
}

Napi::Value ConnectClose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto deferred = Napi::Promise::Deferred::New(env);
  if (info.Length() > 0 && info[0].IsObject()) {
    Napi::ObjectWrap<Connection>::Unwrap(info[0].As<Napi::Object>())->Close();
  }
  deferred.Resolve(env.Undefined());
  return deferred.Promise();
}

Napi::Value ConnectIsAlive(const Napi::CallbackInfo& info) {
  // Local state only: answered on the JavaScript thread.
  if (info.Length() < 1 || !info[0].IsObject()) return Napi::Boolean::New(info.Env(), false);
  Connection* c = Napi::ObjectWrap<Connection>::Unwrap(info[0].As<Napi::Object>());
  return Napi::Boolean::New(info.Env(), !c->closed() && virConnectIsAlive(c->conn()) == 1);
}

/** A connection call that returns a string libvirt allocated. */
template <class F>
Napi::Value ConnString(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto out = std::make_shared<char*>(nullptr);
  return OnConn(
      info.Env(), c, what, [out, f](virConnectPtr conn) { return (*out = f(conn)) != nullptr; },
      [out](Napi::Env e) {
        char* s = *out;
        *out = nullptr;
        return TakeString(e, s);
      });
}

Napi::Value ConnectGetHostname(const Napi::CallbackInfo& info) {
  return ConnString(info, "cannot read the hostname", [](virConnectPtr c) { return virConnectGetHostname(c); });
}

Napi::Value ConnectGetCapabilities(const Napi::CallbackInfo& info) {
  return ConnString(info, "cannot read the capabilities", [](virConnectPtr c) { return virConnectGetCapabilities(c); });
}

Napi::Value ConnectGetType(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto out = std::make_shared<std::string>();
  return OnConn(
      info.Env(), c, "cannot read the hypervisor type",
      [out](virConnectPtr conn) {
        const char* t = virConnectGetType(conn);  // static string, not to be freed
        if (t == nullptr) return false;
        *out = t;
        return true;
      },
      [out](Napi::Env e) { return Napi::String::New(e, *out); });
}

/** A connection call that fills one unsigned long. */
template <class F>
Napi::Value ConnNumber(const Napi::CallbackInfo& info, const char* what, F f) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto out = std::make_shared<unsigned long long>(0);
  return OnConn(
      info.Env(), c, what, [out, f](virConnectPtr conn) { return f(conn, out.get()); },
      [out](Napi::Env e) { return Napi::Number::New(e, static_cast<double>(*out)); });
}

Napi::Value ConnectGetLibVersion(const Napi::CallbackInfo& info) {
  return ConnNumber(info, "cannot read the library version", [](virConnectPtr c, unsigned long long* v) {
    unsigned long x = 0;
    bool ok = virConnectGetLibVersion(c, &x) == 0;
    *v = x;
    return ok;
  });
}

Napi::Value ConnectGetVersion(const Napi::CallbackInfo& info) {
  return ConnNumber(info, "cannot read the hypervisor version", [](virConnectPtr c, unsigned long long* v) {
    unsigned long x = 0;
    bool ok = virConnectGetVersion(c, &x) == 0;
    *v = x;
    return ok;
  });
}

Napi::Value NodeGetFreeMemory(const Napi::CallbackInfo& info) {
  return ConnNumber(info, "cannot read free memory", [](virConnectPtr c, unsigned long long* v) {
    *v = virNodeGetFreeMemory(c);
    return *v != 0;
  });
}

Napi::Value NodeGetInfo(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  auto out = std::make_shared<virNodeInfo>();
  return OnConn(
      info.Env(), c, "cannot read the node info", [out](virConnectPtr conn) { return virNodeGetInfo(conn, out.get()) == 0; },
      [out](Napi::Env e) {
        Napi::Object o = Napi::Object::New(e);
        o.Set("model", Napi::String::New(e, out->model));
        o.Set("memoryKiB", Napi::Number::New(e, static_cast<double>(out->memory)));
        o.Set("cpus", Napi::Number::New(e, out->cpus));
        o.Set("mhz", Napi::Number::New(e, out->mhz));
        o.Set("nodes", Napi::Number::New(e, out->nodes));
        o.Set("sockets", Napi::Number::New(e, out->sockets));
        o.Set("cores", Napi::Number::New(e, out->cores));
        o.Set("threads", Napi::Number::New(e, out->threads));
        return o;
      });
}

}  // namespace

void InitConnection(Napi::Env env, Napi::Object exports) {
  Connection::Init(env, exports);
  exports.Set("connectOpen", Napi::Function::New(env, ConnectOpen));
  exports.Set("connectClose", Napi::Function::New(env, ConnectClose));
  exports.Set("connectIsAlive", Napi::Function::New(env, ConnectIsAlive));
  exports.Set("connectGetHostname", Napi::Function::New(env, ConnectGetHostname));
  exports.Set("connectGetCapabilities", Napi::Function::New(env, ConnectGetCapabilities));
  exports.Set("connectGetType", Napi::Function::New(env, ConnectGetType));
  exports.Set("connectGetLibVersion", Napi::Function::New(env, ConnectGetLibVersion));
  exports.Set("connectGetVersion", Napi::Function::New(env, ConnectGetVersion));
  exports.Set("nodeGetFreeMemory", Napi::Function::New(env, NodeGetFreeMemory));
  exports.Set("nodeGetInfo", Napi::Function::New(env, NodeGetInfo));
}

}  // namespace novakit
