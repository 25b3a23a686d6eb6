#include "executor.h"

#include <libvirt/virterror.h>

#include <chrono>

namespace novakit {

void CallError::Capture(const char* fallback) {
  set = true;
  virErrorPtr err = virGetLastError();  // thread-local: read on the failing thread
  if (err != nullptr) {
    code = err->code;
    domain = err->domain;
    message = err->message != nullptr ? err->message : fallback;
  } else {
    message = fallback;
  }
}

void Job::Settle(Napi::Env env) {
  Napi::HandleScope scope(env);
  if (error_.set) {
    Napi::Error e = Napi::Error::New(env, error_.message);
    e.Set("name", Napi::String::New(env, "LibvirtError"));
    e.Set("code", Napi::Number::New(env, error_.code));
    e.Set("domain", Napi::Number::New(env, error_.domain));
    deferred_.Reject(e.Value());
  } else {
    deferred_.Resolve(Result(env));
  }
}

Executor::Executor(Napi::Env env, int threads, bool short_calls)
    : env_(env),
      async_context_(std::make_unique<Napi::AsyncContext>(env, "novakit:libvirt")),
      short_calls_(short_calls) {
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  async_ = new uv_async_t;
  async_->data = this;
  uv_async_init(loop, async_, &Executor::OnAsync);
  uv_unref(reinterpret_cast<uv_handle_t*>(async_));  // only jobs in flight keep the loop alive
  idle_ = new uv_idle_t;
  idle_->data = this;
  uv_idle_init(loop, idle_);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

Executor::~Executor() { Shutdown(); }

constexpr uint64_t kSpinWindowNs = 200 * 1000;
constexpr auto kWorkerSpin = std::chrono::microseconds(50);

void Executor::Submit(Job* job) {
  size_t before = inflight_.fetch_add(1);
  if (before == 0) uv_ref(reinterpret_cast<uv_handle_t*>(async_));
  spin_until_ns_ = uv_hrtime() + kSpinWindowNs;
  // Poll only for a lone call, and only while calls are short. With several
  // in flight the workers need the cores more than the wake-ups cost (in
  // process, the calls' own work is the limit); through a daemon, a polling
  // JavaScript thread takes a core the daemon needs.
  if (!idling_ && before == 0 && short_calls_) {
    idling_ = true;
    polling_.store(true);
    uv_idle_start(idle_, &Executor::OnIdle);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(job);
  }
  queued_.fetch_add(1, std::memory_order_release);
  // A spinning worker will take it; waking a sleeping one too would only
  // cost a futex call and a thread that finds nothing to do. (A spinner
  // that gives up re-checks the queue under the lock before it sleeps.)
  if (!spinner_.load()) ready_.notify_one();
}

void Executor::WorkerLoop() {
  using clock = std::chrono::steady_clock;
  for (;;) {
    // Spin for a short while before sleeping: a sequential caller submits
    // its next call within microseconds, and a condition-variable wake-up
    // costs more than the call itself on libvirt's in-process drivers.
    // Only one worker spins at a time; the rest sleep, so spinning never
    // takes more than one core from the JavaScript thread and the calls.
    // And only while this is the lone call in flight, and calls are short:
    // with several in flight, or through a daemon (where the next call
    // comes a round trip and some JavaScript later, never within the spin),
    // the cycles are better left to the calls and to libvirtd.
    bool expected = false;
    if (short_calls_ && inflight_.load() <= 1 && spinner_.compare_exchange_strong(expected, true)) {
      auto spin_until = clock::now() + kWorkerSpin;
      while (queued_.load(std::memory_order_acquire) == 0 && clock::now() < spin_until) {
        std::this_thread::yield();
      }
      spinner_.store(false);
    }
    Job* job = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      job = queue_.front();
      queue_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
    }
    job->Run();
    {
      std::lock_guard<std::mutex> lock(done_mutex_);
      done_.push_back(job);
    }
    // A polling event loop will find it; otherwise wake the loop. The loop
    // drains once more after it stops polling, so nothing is left behind.
    if (!polling_.load()) uv_async_send(async_);
  }
}

void Executor::OnAsync(uv_async_t* handle) { static_cast<Executor*>(handle->data)->Drain(); }

void Executor::OnIdle(uv_idle_t* handle) {
  auto* self = static_cast<Executor*>(handle->data);
  self->Drain();
  size_t inflight = self->inflight_.load();
  if (inflight != 1 || uv_hrtime() > self->spin_until_ns_) {  // done, or no longer a lone call
    uv_idle_stop(handle);
    self->idling_ = false;
    self->polling_.store(false);
    self->Drain();  // a completion pushed while the flag was still set
  }
}

void Executor::Drain() {
  std::vector<Job*> batch;
  {
    std::lock_guard<std::mutex> lock(done_mutex_);
    if (done_.empty()) return;
    batch.swap(done_);
  }
  {
    Napi::HandleScope handles(env_);
    Napi::CallbackScope scope(env_, *async_context_);  // runs the microtasks when it closes
    for (Job* job : batch) {
      job->Settle(env_);  // reads the job's results...
      job->Release();     // ...before its libvirt references and buffers go
      delete job;
    }
    // Counted out before the scope closes: the microtasks it runs submit
    // the callers' next calls, and Submit must see these as finished (a
    // sequential caller's next call is then a lone call, which polls).
    if (inflight_.fetch_sub(batch.size()) == batch.size()) {
      uv_unref(reinterpret_cast<uv_handle_t*>(async_));
    }
  }
}

void Executor::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : workers_) t.join();
  Drain();
  uv_idle_stop(idle_);
  idling_ = false;
  polling_.store(false);
  uv_close(reinterpret_cast<uv_handle_t*>(idle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
  uv_close(reinterpret_cast<uv_handle_t*>(async_), [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
}

}  // namespace novakit
