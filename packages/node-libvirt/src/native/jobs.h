// How a binding function becomes a queued call: a FnJob of three lambdas.
#pragma once

#include <napi.h>

#include <string>
#include <utility>

#include "executor.h"

namespace novakit {

/**
 * A job made of three lambdas, stored by value (a std::function each would
 * cost a heap allocation per call): `run` on a worker thread returns false
 * on failure, and libvirt's error is captured there; `result` builds the
 * value on the JavaScript thread; `release` then drops what the call held.
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

/** A promise already rejected with a LibvirtError of code -1 (a misuse, not a libvirt failure). */
inline Napi::Value Rejected(Napi::Env env, const std::string& message) {
  auto deferred = Napi::Promise::Deferred::New(env);
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("name", Napi::String::New(env, "LibvirtError"));
  e.Set("code", Napi::Number::New(env, -1));
  e.Set("domain", Napi::Number::New(env, 0));
  deferred.Reject(e.Value());
  return deferred.Promise();
}

inline Napi::Value Undefined(Napi::Env env) { return env.Undefined(); }

/** Reads an optional unsigned flags argument. */
inline unsigned int Flags(const Napi::CallbackInfo& info, size_t index) {
  return info.Length() > index && info[index].IsNumber() ? info[index].As<Napi::Number>().Uint32Value() : 0;
}

/** A string libvirt allocated, taken over and freed. */
inline Napi::Value TakeString(Napi::Env env, char* s) {
  Napi::Value v = s == nullptr ? env.Null() : Napi::String::New(env, s);
  free(s);
  return v;
}

}  // namespace novakit
