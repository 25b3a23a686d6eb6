// The module's entry: initialises libvirt once and registers the handles and
// the binding functions. Each function takes its handle first
// (`domainCreate(domain)`); the typed wrapper in src/ gives them methods.
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <napi.h>

namespace novakit {
void InitConnection(Napi::Env env, Napi::Object exports);
void InitDomain(Napi::Env env, Napi::Object exports);
void InitObjects(Napi::Env env, Napi::Object exports);
void InitEvents(Napi::Env env, Napi::Object exports);
bool StartEventLoop();
}  // namespace novakit

static Napi::Object InitAll(Napi::Env env, Napi::Object exports) {
  if (virInitialize() < 0) {
    Napi::Error::New(env, "virInitialize failed").ThrowAsJavaScriptException();
    return exports;
  }
  // libvirt prints every error to stderr unless told otherwise; here each
  // reaches JavaScript as a LibvirtError instead.
  virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
  // The event loop must be registered before any connection opens, or
  // connections cannot deliver events.
  if (!novakit::StartEventLoop()) {
    Napi::Error::New(env, "cannot start libvirt's event loop").ThrowAsJavaScriptException();
    return exports;
  }
  novakit::InitConnection(env, exports);
  novakit::InitDomain(env, exports);
  novakit::InitObjects(env, exports);
  novakit::InitEvents(env, exports);
  return exports;
}

NODE_API_MODULE(node_libvirt, InitAll)
