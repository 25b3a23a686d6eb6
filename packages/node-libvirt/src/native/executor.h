// A per-connection pool of worker threads that run libvirt calls off the
// JavaScript thread, and hand their completions back in batches.
//
// Why not one Napi::AsyncWorker per call: each then costs a libuv
// threadpool hop out and a uv_async hop back, and the threadpool is shared
// with fs and dns. Here a call is a Job pushed on this connection's queue; a
// worker that has just finished spins briefly before sleeping, so a
// sequential caller rarely pays for a thread wake-up; and every completion
// ready when the JavaScript thread wakes is settled in one pass; and while
// calls are in flight the event loop polls briefly instead of sleeping, so
// it does not pay for its own wake-up either.
#pragma once

#include <napi.h>
#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace novakit {

/** libvirt's error, captured on the thread where it happened. */
struct CallError {
  bool set = false;
  int code = 0;
  int domain = 0;
  std::string message;
  void Capture(const char* fallback);
};

/** One libvirt call: Run on a worker thread, Settle on the JavaScript thread. */
class Job {
 public:
  explicit Job(Napi::Env env) : deferred_(Napi::Promise::Deferred::New(env)) {}
  virtual ~Job() = default;
  virtual void Run() = 0;
  virtual Napi::Value Result(Napi::Env env) { return env.Undefined(); }
  /** Releases what Run needed (libvirt references); called on the JavaScript thread. */
  virtual void Release() {}
  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Settle(Napi::Env env);

 protected:
  CallError error_;

 private:
  Napi::Promise::Deferred deferred_;
};

class Executor {
 public:
  /**
   * `short_calls`: the connection's calls take microseconds (a driver in
   * this process), so a lone call is worth polling and spinning for.
   */
  Executor(Napi::Env env, int threads, bool short_calls);
  ~Executor();
  void Submit(Job* job);
  /** Stops the workers after the queued jobs; pending promises still settle. */
  void Shutdown();
  size_t InFlight() const { return inflight_.load(); }

 private:
  void WorkerLoop();
  static void OnAsync(uv_async_t* handle);
  static void OnIdle(uv_idle_t* handle);
  void Drain();

  Napi::Env env_;
  // Settling promises from a libuv callback needs a callback scope, or their
  // continuations wait for some unrelated event to run the microtask queue.
  std::unique_ptr<Napi::AsyncContext> async_context_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job*> queue_;
  std::atomic<size_t> queued_{0};
  bool stopping_ = false;
  std::atomic<bool> spinner_{false};

  std::mutex done_mutex_;
  std::vector<Job*> done_;
  uv_async_t* async_ = nullptr;
  // While calls are in flight, and for a short window after each submit,
  // an idle handle keeps the event loop polling instead of sleeping, so a
  // completion is picked up without paying for a wake-up of this thread.
  uv_idle_t* idle_ = nullptr;
  bool idling_ = false;
  std::atomic<bool> polling_{false};  // mirrors idling_ for the workers
  uint64_t spin_until_ns_ = 0;
  std::atomic<size_t> inflight_{0};
  // Polling and spinning pay only when calls are short (a driver in this
  // process): through a daemon a call is a round trip of a hundred
  // microseconds or more, the next call never comes within a spin, and a
  // polling JavaScript thread takes a core the daemon needs. (A moving
  // average of call times was tried instead: in process it hovered around
  // any threshold, since a define parses XML for 50-100 us, and sequential
  // callers lost half their rate when it crossed.)
  const bool short_calls_;
};

}  // namespace novakit
