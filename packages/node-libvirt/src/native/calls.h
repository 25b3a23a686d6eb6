// Helpers that turn a binding function into a queued call on a handle.
#pragma once

#include <memory>

#include "handles.h"
#include "jobs.h"

namespace novakit {

/** Argument `i` as an open Connection, or null with `rejected` set. */
inline Connection* ConnArg(const Napi::CallbackInfo& info, size_t i, Napi::Value& rejected) {
  if (info.Length() <= i || !info[i].IsObject()) {
    rejected = Rejected(info.Env(), "expected a Connection");
    return nullptr;
  }
  Connection* c = Napi::ObjectWrap<Connection>::Unwrap(info[i].As<Napi::Object>());
  if (c == nullptr || c->closed()) {
    rejected = Rejected(info.Env(), "connection is closed");
    return nullptr;
  }
  return c;
}

/** Argument `i` as a handle whose connection is open, or null with `rejected` set. */
template <class P>
Handle<P>* HandleArg(const Napi::CallbackInfo& info, size_t i, Napi::Value& rejected) {
  if (info.Length() <= i || !info[i].IsObject() ||
      !info[i].As<Napi::Object>().InstanceOf(Handle<P>::ctor.Value())) {
    rejected = Rejected(info.Env(), std::string("expected a ") + Traits<P>::kName);
    return nullptr;
  }
  Handle<P>* h = Napi::ObjectWrap<Handle<P>>::Unwrap(info[i].As<Napi::Object>());
  if (h->ptr() == nullptr || h->owner() == nullptr) {
    rejected = Rejected(info.Env(), std::string("the ") + Traits<P>::kName + "'s connection is closed");
    return nullptr;
  }
  return h;
}

/**
 * Queues `run(ptr)` (true on success) on the handle's connection, holding a
 * libvirt reference to the object for the call, and resolves with
 * `result(env)`.
 */
template <class P, class RunFn, class ResultFn>
Napi::Value OnHandle(Napi::Env env, Handle<P>* h, const char* what, RunFn run, ResultFn result) {
  P p = h->ptr();
  Traits<P>::Ref(p);
  Job* job = MakeJob(env, [p, run] { return run(p); }, result, [p] { Traits<P>::Free(p); }, what);
  h->owner()->executor().Submit(job);
  return job->Promise();
}

/** The same on a connection, holding a reference to it for the call. */
template <class RunFn, class ResultFn>
Napi::Value OnConn(Napi::Env env, Connection* c, const char* what, RunFn run, ResultFn result) {
  virConnectPtr conn = c->conn();
  virConnectRef(conn);
  Job* job = MakeJob(env, [conn, run] { return run(conn); }, result, [conn] { virConnectClose(conn); }, what);
  c->executor().Submit(job);
  return job->Promise();
}

/** A slot a worker fills with a new libvirt object, wrapped on the JavaScript thread. */
template <class P>
struct NewHandle {
  P ptr = nullptr;
  Napi::ObjectReference connection;
  ~NewHandle() {
    if (ptr != nullptr) Traits<P>::Free(ptr);  // the call failed after all, or nobody took it
  }
  Napi::Value Take(Napi::Env env) {
    Napi::Object h = Handle<P>::Wrap(env, connection.Value(), ptr);
    ptr = nullptr;
    return h;
  }
};

/** A slot a worker fills with a list of new libvirt objects. */
template <class P>
struct NewHandles {
  P* list = nullptr;
  int count = -1;
  Napi::ObjectReference connection;
  ~NewHandles() {
    for (int i = 0; i < count; ++i)
      if (list[i] != nullptr) Traits<P>::Free(list[i]);
    free(list);
  }
  Napi::Value Take(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, count);
    for (int i = 0; i < count; ++i) {
      out.Set(i, Handle<P>::Wrap(env, connection.Value(), list[i]));
      list[i] = nullptr;
    }
    return out;
  }
};

}  // namespace novakit
