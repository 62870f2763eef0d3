// The only file that touches Node-API: argument checks, conversions, promises, the Executor class.
#include <napi.h>

#include <sched.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "executor_thread.h"
#include "mutator.h"

namespace fuzzwb {
namespace {

class Executor;
void settle(Napi::Env env, Napi::Function, Executor *self, Job *job);
using Tsfn = Napi::TypedThreadSafeFunction<Executor, Job, settle>;

// A job and the promise its answer settles.
struct PendingJob : Job {
  explicit PendingJob(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise::Deferred deferred;
};

[[noreturn]] void typeError(Napi::Env env, const std::string &message) {
  throw Napi::TypeError::New(env, message);
}

uint32_t uintOption(const Napi::Object &opts, const char *key, uint32_t min, uint32_t max) {
  Napi::Value v = opts.Get(key);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!v.IsNumber() || std::floor(d) != d || d < min || d > max)
    typeError(opts.Env(), std::string("Executor: options.") + key + " must be an integer from " +
                              std::to_string(min) + " to " + std::to_string(max));
  return uint32_t(d);
}

std::string cString(Napi::Value v, const std::string &what) {
  if (!v.IsString())
    typeError(v.Env(), "Executor: " + what + " must be a string");
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.find('\0') != std::string::npos)
    typeError(v.Env(), "Executor: " + what + " must not contain NUL characters");
  return s;
}

ExecConfig parseOptions(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject())
    typeError(env, "Executor: expected an options object");
  Napi::Object opts = info[0].As<Napi::Object>();
  ExecConfig c;
  c.launch.target = cString(opts.Get("target"), "options.target");
  if (c.launch.target.empty() || c.launch.target[0] != '/')
    typeError(env, "Executor: options.target must be an absolute path");
  Napi::Value args = opts.Get("args");
  if (!args.IsArray())
    typeError(env, "Executor: options.args must be an array of strings");
  Napi::Array argv = args.As<Napi::Array>();
  for (uint32_t i = 0; i < argv.Length(); i++)
    c.launch.args.push_back(cString(argv.Get(i), "options.args[" + std::to_string(i) + "]"));
  Napi::Value envValue = opts.Get("env");
  if (!envValue.IsObject() || envValue.IsArray())
    typeError(env, "Executor: options.env must be an object of strings");
  Napi::Object envObj = envValue.As<Napi::Object>();
  Napi::Array names = envObj.GetPropertyNames();
  bool hasForkserver = false;
  for (uint32_t i = 0; i < names.Length(); i++) {
    const std::string name = cString(names.Get(i), "an options.env name");
    if (name.empty() || name.find('=') != std::string::npos)
      typeError(env, "Executor: options.env has an invalid name '" + name + "'");
    hasForkserver = hasForkserver || name == FWB_ENV_FORKSERVER;
    c.launch.env.push_back(name + "=" + cString(envObj.Get(name), "options.env." + name));
  }
  // Without it the runtime runs in reproduce mode and never says HELLO.
  if (!hasForkserver)
    c.launch.env.push_back(std::string(FWB_ENV_FORKSERVER "=") +
                           std::to_string(FWB_PROTOCOL_VERSION));
  Napi::Value cwd = opts.Get("cwd");
  if (!cwd.IsUndefined())
    c.launch.cwd = cString(cwd, "options.cwd");
  const uint32_t u32max = std::numeric_limits<uint32_t>::max();
  c.timeoutMs = uintOption(opts, "timeoutMs", 0, u32max / 1000);
  c.rssLimitMb = uintOption(opts, "rssLimitMb", 0, 1u << 24);
  c.persistent = uintOption(opts, "persistent", 1, u32max);
  c.outputLimit = uintOption(opts, "outputLimit", 0, 1u << 28);
  c.handshakeTimeoutMs = uintOption(opts, "handshakeTimeoutMs", 1, u32max / 1000);
  if (!opts.Get("slowUnitMs").IsUndefined())
    c.slowUnitMs = uintOption(opts, "slowUnitMs", 0, u32max / 1000);
  uintOption(opts, "maxInputSize", 1, 1u << 30);
  if (!opts.Get("cpu").IsUndefined())
    c.cpu = static_cast<int>(uintOption(opts, "cpu", 0, CPU_SETSIZE - 1));
  if (!opts.Get("cmp").IsBoolean())
    typeError(env, "Executor: options.cmp must be a boolean");
  Napi::Value leaks = opts.Get("detectLeaks");
  if (!leaks.IsUndefined() && !leaks.IsBoolean())
    typeError(env, "Executor: options.detectLeaks must be a boolean");
  return c;
}

Napi::Uint8Array bytesArg(const Napi::CallbackInfo &info, size_t i, const char *what) {
  if (info.Length() <= i || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    typeError(info.Env(), std::string(what) + " must be a Buffer");
  return info[i].As<Napi::Uint8Array>();
}

bool boolOption(const Napi::Object &opts, const char *key, bool fallback) {
  Napi::Value v = opts.Get(key);
  if (v.IsUndefined())
    return fallback;
  if (!v.IsBoolean())
    typeError(opts.Env(), std::string("runBatch: opts.") + key + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

// runBatch's opts.watch: at most kWatchMax cmp slot indices.
std::vector<uint32_t> watchOption(const Napi::Object &opts) {
  constexpr uint32_t kWatchMax = 8;
  Napi::Value v = opts.Get("watch");
  std::vector<uint32_t> out;
  if (v.IsUndefined())
    return out;
  if (!v.IsArray() || v.As<Napi::Array>().Length() > kWatchMax)
    typeError(opts.Env(), "runBatch: opts.watch must be an array of at most 8 slot indices");
  Napi::Array arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value e = arr.Get(i);
    const double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1;
    if (std::floor(d) != d || d < 0 || d >= FWB_CMP_SLOTS)
      typeError(opts.Env(), "runBatch: opts.watch[" + std::to_string(i) + "] is not a cmp slot");
    out.push_back(uint32_t(d));
  }
  return out;
}

Napi::Object resultToJs(Napi::Env env, const ExecResult &r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", endKindName(r.kind));
  o.Set("signal", r.signal);
  o.Set("exitCode", r.exitCode);
  o.Set("output", Napi::Buffer<uint8_t>::Copy(env, r.output.data(), r.output.size()));
  o.Set("outputTruncated", r.outputTruncated);
  o.Set("durationUs", double(r.durationUs));
  o.Set("ret", r.ret);
  o.Set("newCoverage", r.newCoverage);
  if (r.leaky)
    o.Set("leaky", true);
  if (r.slow)
    o.Set("slow", true);
  if (r.reduced)
    o.Set("reducedParent", r.reduced - 1);
  o.Set("pid", int32_t(r.pid));
  o.Set("execUs", double(r.execUs));
  if (!r.features.empty()) {
    Napi::Uint32Array features = Napi::Uint32Array::New(env, r.features.size());
    std::memcpy(features.Data(), r.features.data(), r.features.size() * sizeof(uint32_t));
    o.Set("features", features);
  }
  return o;
}

Napi::Array modulesToJs(Napi::Env env, const std::vector<ModuleInfo> &modules) {
  Napi::Array arr = Napi::Array::New(env, modules.size());
  for (size_t i = 0; i < modules.size(); i++) {
    const ModuleInfo &m = modules[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("path", m.path);
    o.Set("base", Napi::BigInt::New(env, uint64_t(m.base)));
    o.Set("counterStart", m.counterStart);
    o.Set("counterCount", m.counterCount);
    o.Set("flags", m.flags);
    arr.Set(uint32_t(i), o);
  }
  return arr;
}

Napi::Value answerToJs(Napi::Env env, const Job &job) {
  switch (job.kind) {
  case JobKind::Start: {
    Napi::Object o = Napi::Object::New(env);
    o.Set("serverPid", int32_t(job.handshake.serverPid));
    o.Set("protocolVersion", job.handshake.protocolVersion);
    o.Set("runtimeFlags", job.handshake.runtimeFlags);
    o.Set("countersUsed", job.handshake.countersUsed);
    o.Set("modules", modulesToJs(env, job.handshake.modules));
    return o;
  }
  case JobKind::Run:
  case JobKind::LeakCheck:
    return resultToJs(env, job.result);
  case JobKind::Batch:
  case JobKind::Repeat:
  case JobKind::Mutate: {
    Napi::Object o = Napi::Object::New(env);
    o.Set("execs", double(job.batch.execs));
    o.Set("elapsedUs", double(job.batch.elapsedUs));
    Napi::Array findings = Napi::Array::New(env, job.batch.findings.size());
    for (size_t i = 0; i < job.batch.findings.size(); i++) {
      Napi::Object f = resultToJs(env, job.batch.findings[i].result);
      f.Set("index", job.batch.findings[i].index);
      if (job.kind == JobKind::Mutate) {
        const std::vector<uint8_t> &input = job.batch.findings[i].input;
        f.Set("input", Napi::Buffer<uint8_t>::Copy(env, input.data(), input.size()));
      }
      findings.Set(uint32_t(i), f);
    }
    o.Set("findings", findings);
    o.Set("restarts", job.batch.restarts);
    o.Set("covered", job.batch.covered);
    if (!job.watch.empty())
      o.Set("watched",
            Napi::Buffer<uint8_t>::Copy(env, job.batch.watched.data(), job.batch.watched.size()));
    return o;
  }
  case JobKind::Stop:
    break;
  }
  return env.Undefined();
}

// The Buffers of array `key` of `req`, copied (`what` names the call in errors).
std::vector<Bytes> bufferList(const Napi::Object &req, const char *key, const char *what) {
  Napi::Env env = req.Env();
  Napi::Value v = req.Get(key);
  if (!v.IsArray())
    typeError(env, std::string(what) + ": " + key + " must be an array of Buffers");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<Bytes> out;
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value b = arr.Get(i);
    if (!b.IsTypedArray() || b.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      typeError(env,
                std::string(what) + ": " + key + "[" + std::to_string(i) + "] must be a Buffer");
    Napi::Uint8Array u = b.As<Napi::Uint8Array>();
    out.emplace_back(u.Data(), u.Data() + u.ByteLength());
  }
  return out;
}

// runMutants' optional `owned`: per parent, a Uint32Array of the features only it holds.
std::vector<std::vector<uint32_t>> ownedOption(const Napi::Object &req) {
  Napi::Value v = req.Get("owned");
  std::vector<std::vector<uint32_t>> out;
  if (v.IsUndefined())
    return out;
  if (!v.IsArray())
    typeError(req.Env(), "runMutants: owned must be an array of Uint32Arrays");
  Napi::Array arr = v.As<Napi::Array>();
  out.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value e = arr.Get(i);
    if (!e.IsTypedArray() || e.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
      typeError(req.Env(), "runMutants: owned[" + std::to_string(i) + "] must be a Uint32Array");
    Napi::Uint32Array u = e.As<Napi::Uint32Array>();
    out.emplace_back(u.Data(), u.Data() + u.ElementLength());
  }
  return out;
}

uint64_t seedOption(const Napi::Object &req, const char *what) {
  Napi::Value seed = req.Get("seed");
  if (!seed.IsNumber() || seed.As<Napi::Number>().DoubleValue() < 0 ||
      seed.As<Napi::Number>().DoubleValue() > 9007199254740991.0)
    typeError(req.Env(), std::string(what) + ": seed must be a non-negative safe integer");
  return uint64_t(seed.As<Napi::Number>().DoubleValue());
}

// mutate({parent, others, tokens, count, seed, lenLimit, maxLen, cmpTable?, memcmpTable?}):
// see NativeAddon.mutate in types.ts.
Napi::Value Mutate(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject())
    typeError(env, "mutate: the request must be an object");
  Napi::Object req = info[0].As<Napi::Object>();
  MutantSpec spec;
  Napi::Value parent = req.Get("parent");
  if (!parent.IsTypedArray() || parent.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    typeError(env, "mutate: parent must be a Buffer");
  Napi::Uint8Array p = parent.As<Napi::Uint8Array>();
  spec.parent.assign(p.Data(), p.Data() + p.ByteLength());
  spec.others = bufferList(req, "others", "mutate");
  spec.tokens = bufferList(req, "tokens", "mutate");
  spec.count = uintOption(req, "count", 0, 1u << 20);
  spec.seed = seedOption(req, "mutate");
  spec.lenLimit = uintOption(req, "lenLimit", 0, 0xffffffffu);
  spec.maxLen = uintOption(req, "maxLen", 1, 0xffffffffu);
  // The tables are read in place: they outlive the call, which copies nothing else of them.
  const auto table = [&](const char *key, const uint8_t *&data, size_t &bytes) {
    Napi::Value t = req.Get(key);
    if (t.IsUndefined())
      return;
    if (!t.IsTypedArray() || t.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      typeError(env, std::string("mutate: ") + key + " must be a Buffer");
    Napi::Uint8Array u = t.As<Napi::Uint8Array>();
    data = u.Data();
    bytes = u.ByteLength();
  };
  table("cmpTable", spec.cmp, spec.cmpBytes);
  table("memcmpTable", spec.memcmp, spec.memcmpBytes);
  const std::vector<Bytes> mutants = makeMutants(spec);
  Napi::Array out = Napi::Array::New(env, mutants.size());
  for (size_t i = 0; i < mutants.size(); i++)
    out.Set(uint32_t(i), Napi::Buffer<uint8_t>::Copy(env, mutants[i].data(), mutants[i].size()));
  return out;
}

class Executor : public Napi::ObjectWrap<Executor> {
public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "Executor",
        {InstanceMethod<&Executor::Start>("start"), InstanceMethod<&Executor::Run>("run"),
         InstanceMethod<&Executor::CheckLeaks>("checkLeaks"),
         InstanceMethod<&Executor::StopDetectingLeaks>("stopDetectingLeaks"),
         InstanceMethod<&Executor::RunBatch>("runBatch"),
         InstanceMethod<&Executor::Repeat>("repeat"),
         InstanceMethod<&Executor::RunMutants>("runMutants"),
         InstanceMethod<&Executor::Counters>("counters"), InstanceMethod<&Executor::Pcs>("pcs"),
         InstanceMethod<&Executor::Coverage>("coverage"),
         InstanceMethod<&Executor::CmpTable>("cmpTable"),
         InstanceMethod<&Executor::MemcmpTable>("memcmpTable"),
         InstanceMethod<&Executor::RecordEqualCompares>("recordEqualCompares"),
         InstanceMethod<&Executor::Modules>("modules"), InstanceMethod<&Executor::Stop>("stop")});
  }

  explicit Executor(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Executor>(info) {
    Napi::Env env = info.Env();
    ExecConfig config = parseOptions(info);
    Napi::Object opts = info[0].As<Napi::Object>();
    try {
      shm_ = std::make_shared<ShmRegion>(uintOption(opts, "maxInputSize", 1, 1u << 30),
                                         config.persistent, opts.Get("cmp").ToBoolean());
    } catch (const std::runtime_error &e) {
      throw Napi::Error::New(env, e.what());
    }
    // Before the target starts: the fork server installs its allocation hooks only with it.
    if (opts.Get("detectLeaks").ToBoolean())
      shm_->header()->leak_mode = FWB_LEAK_WATCH;
    feedback_ = std::make_shared<Feedback>(shm_->virgin(), shm_->countersCapacity());
    tsfn_ = Tsfn::New(env, "fuzzwb-executor", 0, 1, this);
    tsfn_.Unref(env);
    released_ = false;
    thread_ =
        std::make_unique<ExecutorThread>(std::move(config), shm_, feedback_, [this](Job *job) {
          if (tsfn_.NonBlockingCall(job) != napi_ok)
            delete job; // the environment is going away: nobody waits for the answer
        });
    napi_add_env_cleanup_hook(env, Cleanup, this);
    hooked_ = true;
  }

  ~Executor() override {
    if (hooked_)
      napi_remove_env_cleanup_hook(Env(), Cleanup, this);
    Shutdown();
  }

  void Settled(Napi::Env env) {
    if (--pending_ == 0) {
      tsfn_.Unref(env);
      Unref();
    }
  }

private:
  static void Cleanup(void *arg) {
    auto *self = static_cast<Executor *>(arg);
    self->hooked_ = false; // the environment removes it itself once it ran
    self->Shutdown();
  }

  // Stops the native thread (which kills the target) and lets the thread-safe function go.
  void Shutdown() {
    if (thread_)
      thread_->shutdown();
    if (!released_) {
      released_ = true;
      tsfn_.Release();
    }
  }

  Napi::Value Post(Napi::Env env, PendingJob *job) {
    Napi::Promise promise = job->deferred.Promise();
    // While an answer is due the executor must stay alive and keep the event loop running.
    if (pending_++ == 0) {
      tsfn_.Ref(env);
      Ref();
    }
    thread_->post(job);
    return promise;
  }

  Napi::Value Start(const Napi::CallbackInfo &info) {
    auto *job = new PendingJob(info.Env());
    job->kind = JobKind::Start;
    return Post(info.Env(), job);
  }

  Napi::Value Run(const Napi::CallbackInfo &info) {
    Napi::Uint8Array input = bytesArg(info, 0, "run: input");
    auto *job = new PendingJob(info.Env());
    job->kind = JobKind::Run;
    job->data.assign(input.Data(), input.Data() + input.ByteLength());
    return Post(info.Env(), job);
  }

  Napi::Value CheckLeaks(const Napi::CallbackInfo &info) {
    Napi::Uint8Array input = bytesArg(info, 0, "checkLeaks: input");
    auto *job = new PendingJob(info.Env());
    job->kind = JobKind::LeakCheck;
    job->data.assign(input.Data(), input.Data() + input.ByteLength());
    return Post(info.Env(), job);
  }

  // Between runs only. There is no way back: the fork server installs its allocation hooks at
  // its start or never.
  Napi::Value StopDetectingLeaks(const Napi::CallbackInfo &info) {
    shm_->header()->leak_mode &= ~FWB_LEAK_WATCH;
    return info.Env().Undefined();
  }

  Napi::Value RunBatch(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray())
      typeError(env, "runBatch: inputs must be an array of Buffers");
    Napi::Array inputs = info[0].As<Napi::Array>();
    bool stopOnFinding = true, feedback = false;
    std::vector<uint32_t> watch;
    if (info.Length() > 1 && !info[1].IsUndefined()) {
      if (!info[1].IsObject())
        typeError(env, "runBatch: opts must be an object");
      stopOnFinding = boolOption(info[1].As<Napi::Object>(), "stopOnFinding", true);
      feedback = boolOption(info[1].As<Napi::Object>(), "feedback", false);
      watch = watchOption(info[1].As<Napi::Object>());
    }
    std::unique_ptr<PendingJob> job(new PendingJob(env));
    job->watch = std::move(watch);
    job->kind = JobKind::Batch;
    job->stopOnFinding = stopOnFinding;
    job->feedback = feedback;
    job->bounds.push_back(0);
    for (uint32_t i = 0; i < inputs.Length(); i++) {
      Napi::Value v = inputs.Get(i);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        typeError(env, "runBatch: inputs[" + std::to_string(i) + "] must be a Buffer");
      Napi::Uint8Array b = v.As<Napi::Uint8Array>();
      job->data.insert(job->data.end(), b.Data(), b.Data() + b.ByteLength());
      job->bounds.push_back(job->data.size());
    }
    return Post(env, job.release());
  }

  Napi::Value Repeat(const Napi::CallbackInfo &info) {
    Napi::Uint8Array input = bytesArg(info, 0, "repeat: input");
    const double count =
        info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
    if (std::floor(count) != count || count < 0 || count > 4294967295.0)
      typeError(info.Env(), "repeat: count must be a non-negative integer");
    auto *job = new PendingJob(info.Env());
    job->kind = JobKind::Repeat;
    job->count = uint32_t(count);
    job->data.assign(input.Data(), input.Data() + input.ByteLength());
    return Post(info.Env(), job);
  }

  // runMutants({parents, tokens, count, seed, lenLimit, maxLen}): see NativeExecutor in types.ts.
  Napi::Value RunMutants(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject())
      typeError(env, "runMutants: the request must be an object");
    Napi::Object req = info[0].As<Napi::Object>();
    std::unique_ptr<PendingJob> job(new PendingJob(env));
    job->kind = JobKind::Mutate;
    job->feedback = true;
    job->mutate.parents = bufferList(req, "parents", "runMutants");
    job->mutate.tokens = bufferList(req, "tokens", "runMutants");
    job->count = uintOption(req, "count", 0, 0xffffffffu);
    job->mutate.lenLimit = uintOption(req, "lenLimit", 0, 0xffffffffu);
    job->mutate.maxLen = uintOption(req, "maxLen", 1, 0xffffffffu);
    job->mutate.seed = seedOption(req, "runMutants");
    job->mutate.owned = ownedOption(req);
    return Post(env, job.release());
  }

  Napi::Value Stop(const Napi::CallbackInfo &info) {
    auto *job = new PendingJob(info.Env());
    job->kind = JobKind::Stop;
    return Post(info.Env(), job);
  }

  // A view over memory owned by `owner`; the buffer keeps the owner alive, so the view stays
  // valid even after stop() or after the executor is collected. Where the runtime forbids
  // external buffers (Electron's V8 sandbox) this is a copy.
  template <typename Owner>
  static Napi::Value View(Napi::Env env, const std::shared_ptr<Owner> &owner, uint8_t *data,
                          size_t len) {
    auto *keep = new std::shared_ptr<Owner>(owner);
    return Napi::Buffer<uint8_t>::NewOrCopy(
        env, data, len, [](Napi::Env, uint8_t *, std::shared_ptr<Owner> *k) { delete k; }, keep);
  }

  Napi::Value Counters(const Napi::CallbackInfo &info) {
    return View(info.Env(), shm_, shm_->counters(), shm_->countersCapacity());
  }
  Napi::Value Pcs(const Napi::CallbackInfo &info) {
    return View(info.Env(), shm_, shm_->pcs(), shm_->pcsBytes());
  }
  Napi::Value Coverage(const Napi::CallbackInfo &info) {
    return View(info.Env(), shm_, feedback_->coverage(), feedback_->size());
  }
  Napi::Value CmpTable(const Napi::CallbackInfo &info) {
    return View(info.Env(), shm_, shm_->cmpTable(), shm_->cmpBytes());
  }
  Napi::Value MemcmpTable(const Napi::CallbackInfo &info) {
    return View(info.Env(), shm_, shm_->memcmpTable(), shm_->memcmpBytes());
  }
  // Between runs only (the child reads the flag during one); a no-op when cmp is off.
  Napi::Value RecordEqualCompares(const Napi::CallbackInfo &info) {
    fwb_shm *h = shm_->header();
    if (h->cmp_enabled != 0)
      h->cmp_enabled = info[0].ToBoolean().Value() ? FWB_CMP_EQUAL_TOO : 1;
    return info.Env().Undefined();
  }
  Napi::Value Modules(const Napi::CallbackInfo &info) {
    return modulesToJs(info.Env(), shm_->modules());
  }

  std::shared_ptr<ShmRegion> shm_;
  std::shared_ptr<Feedback> feedback_;
  Tsfn tsfn_;
  std::unique_ptr<ExecutorThread> thread_;
  uint32_t pending_ = 0;
  bool released_ = true; // until the thread-safe function exists
  bool hooked_ = false;
};

void settle(Napi::Env env, Napi::Function, Executor *self, Job *job) {
  std::unique_ptr<PendingJob> pending(static_cast<PendingJob *>(job));
  if (env == nullptr)
    return; // the thread-safe function is being torn down with the environment
  try {
    if (job->failed) {
      Napi::Error error = Napi::Error::New(env, job->error);
      if (!job->errorCode.empty())
        error.Set("code", Napi::String::New(env, job->errorCode));
      pending->deferred.Reject(error.Value());
    } else
      pending->deferred.Resolve(answerToJs(env, *job));
  } catch (const Napi::Error &e) {
    pending->deferred.Reject(e.Value());
  }
  self->Settled(env);
}

} // namespace
} // namespace fuzzwb

static Napi::Object InitFuzzwb(Napi::Env env, Napi::Object exports) {
  exports.Set("Executor", fuzzwb::Executor::Define(env));
  exports.Set("protocolVersion", Napi::Number::New(env, FWB_PROTOCOL_VERSION));
  exports.Set("mutate", Napi::Function::New(env, fuzzwb::Mutate, "mutate"));
  return exports;
}

NODE_API_MODULE(fuzzwb, InitFuzzwb)
