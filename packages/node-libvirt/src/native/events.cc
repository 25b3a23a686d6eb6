// Domain lifecycle events and connection loss, delivered to JavaScript.
//
// libvirt dispatches events from its event loop, which runs on a thread
// of its own (event-loop.cc). A libvirt callback
// never touches JavaScript: it copies what it needs and hands it to a
// thread-safe function, which calls the JavaScript listener on the main
// thread. Listeners do not keep the process alive.
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "calls.h"

namespace novakit {
namespace {

struct LifecycleEvent {
  std::string uuid;
  int event;
  int detail;
};

struct CloseEvent {
  int reason;
};

void CallLifecycle(Napi::Env env, Napi::Function listener, void*, LifecycleEvent* e) {
  if (env != nullptr && listener != nullptr) {
    listener.Call({Napi::String::New(env, e->uuid), Napi::Number::New(env, e->event), Napi::Number::New(env, e->detail)});
  }
  delete e;
}

void CallClose(Napi::Env env, Napi::Function listener, void*, CloseEvent* e) {
  if (env != nullptr && listener != nullptr) listener.Call({Napi::Number::New(env, e->reason)});
  delete e;
}

using LifecycleTsfn = Napi::TypedThreadSafeFunction<void, LifecycleEvent, CallLifecycle>;
using CloseTsfn = Napi::TypedThreadSafeFunction<void, CloseEvent, CallClose>;

/** A listener and the event types it wants: filtered here, so unwanted ones never wake JavaScript. */
struct Subscription {
  LifecycleTsfn tsfn;
  uint32_t mask;
};

int OnLifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
  auto* sub = static_cast<Subscription*>(opaque);
  if (event < 0 || event >= 32 || (sub->mask & (1u << event)) == 0) return 0;
  char uuid[VIR_UUID_STRING_BUFLEN];
  if (virDomainGetUUIDString(dom, uuid) != 0) return 0;
  sub->tsfn.NonBlockingCall(new LifecycleEvent{uuid, event, detail});
  return 0;
}

void FreeLifecycle(void* opaque) {
  auto* sub = static_cast<Subscription*>(opaque);
  sub->tsfn.Release();
  delete sub;
}

void OnClose(virConnectPtr, int reason, void* opaque) {
  static_cast<CloseTsfn*>(opaque)->NonBlockingCall(new CloseEvent{reason});
}

void FreeClose(void* opaque) {
  auto* tsfn = static_cast<CloseTsfn*>(opaque);
  tsfn->Release();
  delete tsfn;
}

/** connectDomainEventRegister(conn, listener(uuid, event, detail), mask?) -> Promise<callbackId> */
Napi::Value DomainEventRegister(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  if (info.Length() < 2 || !info[1].IsFunction()) return Rejected(info.Env(), "expected a listener function");
  uint32_t mask = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 0xffffffffu;
  auto* sub = new Subscription{
      LifecycleTsfn::New(info.Env(), info[1].As<Napi::Function>(), "novakit:libvirt-events", 0, 1, nullptr), mask};
  sub->tsfn.Unref(info.Env());
  auto id = std::make_shared<int>(-1);
  return OnConn(
      info.Env(), c, "cannot register for domain events",
      [id, sub](virConnectPtr conn) {
        *id = virConnectDomainEventRegisterAny(conn, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               VIR_DOMAIN_EVENT_CALLBACK(OnLifecycle), sub, FreeLifecycle);
        if (*id < 0) FreeLifecycle(sub);  // libvirt took no ownership
        return *id >= 0;
      },
      [id](Napi::Env e) { return Napi::Number::New(e, *id); });
}

/** connectDomainEventDeregister(conn, callbackId) -> Promise<void> */
Napi::Value DomainEventDeregister(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  int id = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : -1;
  return OnConn(
      info.Env(), c, "cannot deregister the domain event listener",
      [id](virConnectPtr conn) { return virConnectDomainEventDeregisterAny(conn, id) == 0; }, Undefined);
}

/** connectRegisterCloseCallback(conn, listener(reason)) -> Promise<void> */
Napi::Value RegisterCloseCallback(const Napi::CallbackInfo& info) {
  Napi::Value rejected;
  Connection* c = ConnArg(info, 0, rejected);
  if (c == nullptr) return rejected;
  if (info.Length() < 2 || !info[1].IsFunction()) return Rejected(info.Env(), "expected a listener function");
  auto* tsfn =
      new CloseTsfn(CloseTsfn::New(info.Env(), info[1].As<Napi::Function>(), "novakit:libvirt-close", 0, 1, nullptr));
  tsfn->Unref(info.Env());
  return OnConn(
      info.Env(), c, "cannot register the close callback",
      [tsfn](virConnectPtr conn) {
        // Keepalive lets a dead remote daemon be noticed; drivers without it refuse, harmlessly.
        virConnectSetKeepAlive(conn, 5, 3);
        virResetLastError();
        bool ok = virConnectRegisterCloseCallback(conn, OnClose, tsfn, FreeClose) == 0;
        if (!ok) FreeClose(tsfn);
        return ok;
      },
      Undefined);
}

}  // namespace

void InitEvents(Napi::Env env, Napi::Object exports) {
  exports.Set("connectDomainEventRegister", Napi::Function::New(env, DomainEventRegister));
  exports.Set("connectDomainEventDeregister", Napi::Function::New(env, DomainEventDeregister));
  exports.Set("connectRegisterCloseCallback", Napi::Function::New(env, RegisterCloseCallback));
}

}  // namespace novakit
