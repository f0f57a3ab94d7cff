#include "jsonl/parallel_stage.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/exit_code.h"
#include "base/signals.h"

namespace pix {
namespace {

struct Slot {
  Record record;
  bool pass_through = false;
  bool done = false;
  Status status;
};

// A fixed pool of threads running `process` on queued slots.
class WorkerPool {
 public:
  WorkerPool(int threads, const ProcessFn& process) : process_(process) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void Submit(Slot* slot) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(slot);
    }
    work_ready_.notify_one();
  }

  void WaitDone(const Slot* slot) {
    std::unique_lock<std::mutex> lock(mutex_);
    slot_done_.wait(lock, [slot] { return slot->done; });
  }

  bool IsDone(const Slot* slot) {
    std::lock_guard<std::mutex> lock(mutex_);
    return slot->done;
  }

 private:
  void Work() {
    for (;;) {
      Slot* slot;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        slot = queue_.front();
        queue_.pop_front();
      }
      Status status = process_(slot->record);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        slot->status = std::move(status);
        slot->done = true;
      }
      slot_done_.notify_all();
    }
  }

  const ProcessFn& process_;
  std::mutex mutex_;
  std::condition_variable work_ready_, slot_done_;
  std::deque<Slot*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

int RunParallelMapStage(const std::string& stage, const CommonOptions& options, Terminal* terminal,
                        int concurrency, const ProcessFn& process,
                        const ParallelStageHooks& hooks) {
  auto opened = StageIo::Open(stage, options, terminal);
  if (!opened.ok()) {
    terminal->Error(opened.status().message());
    return ExitCodeFor(opened.status());
  }
  StageIo& io = **opened;
  const bool threaded = concurrency > 1;
  const size_t window = threaded ? static_cast<size_t>(concurrency) * 4 : 1;
  // Declared before the pool so that the pool (whose destructor lets the
  // workers finish queued slots) goes first.
  std::deque<std::unique_ptr<Slot>> in_flight;
  std::unique_ptr<WorkerPool> pool;
  if (threaded) pool = std::make_unique<WorkerPool>(concurrency, process);
  Status read_status, write_status, fatal;

  // Writes the finished records at the head of the window, waiting for the
  // head while the window is full (or always, with `all`).
  auto drain = [&](bool all) {
    while (!in_flight.empty() && write_status.ok()) {
      Slot* head = in_flight.front().get();
      const bool must_wait = all || in_flight.size() >= window;
      if (!head->pass_through && threaded) {
        if (must_wait) {
          pool->WaitDone(head);
        } else if (!pool->IsDone(head)) {
          return;
        }
      }
      if (head->pass_through) {
        write_status = io.PassThrough(head->record);
      } else {
        if (!head->status.ok()) {
          // A fatal error in this record's work stops the run, but the record
          // is still written, saying why, as is every record read after it.
          if (fatal.ok()) fatal = head->status;
          SetRecordError(&head->record, stage, "interrupted",
                         "the stage stopped on a fatal error: " + head->status.message());
        }
        write_status = io.Write(head->record);
      }
      in_flight.pop_front();
      io.ShowProgress(hooks.progress ? hooks.progress() : "");
    }
  };

  for (;;) {
    drain(false);
    if (!write_status.ok() || !fatal.ok()) break;
    if (InterruptRequested()) {
      read_status = Status::Interrupted();
      break;
    }
    auto next = io.Read();
    if (!next.ok()) {
      read_status = next.status();
      break;
    }
    if (!next->has_value()) break;
    auto slot = std::make_unique<Slot>();
    slot->record = std::move(**next);
    if (HasRecordError(slot->record)) {
      slot->pass_through = true;
    } else if (threaded) {
      pool->Submit(slot.get());
    } else {
      slot->status = process(slot->record);
      slot->done = true;
    }
    in_flight.push_back(std::move(slot));
  }
  // Every record that was read is written, also after an interrupt, a bad
  // input line or a fatal error.
  drain(true);
  const Status& ending = !write_status.ok() ? write_status : !fatal.ok() ? fatal : read_status;
  return io.Finish(ending, hooks.summary ? hooks.summary() : "");
}

}  // namespace pix
