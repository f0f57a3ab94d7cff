#include "fetch/file_digester.h"

#include <utility>

#include "hash/sha256.h"

namespace pix {

FileDigester::FileDigester(std::function<void()> wake)
    : wake_(std::move(wake)), worker_([this] { Work(); }) {}

FileDigester::~FileDigester() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  worker_.join();
}

void FileDigester::Hash(std::string path, Then then) {
  {
    std::lock_guard lock(mu_);
    todo_.push_back(Job{std::move(path), std::move(then)});
  }
  ++pending_;
  cv_.notify_one();
}

Status FileDigester::RunFinished() {
  std::deque<Job> done;
  {
    std::lock_guard lock(mu_);
    done.swap(done_);
  }
  Status status;
  while (!done.empty()) {
    Job job = std::move(done.front());
    done.pop_front();
    --pending_;
    if (status.ok()) status = job.then(std::move(job.digest), job.size);
  }
  return status;
}

Status FileDigester::Drain() {
  for (;;) {
    PIX_RETURN_IF_ERROR(RunFinished());
    if (pending_ == 0) return Status::Ok();
    std::unique_lock lock(mu_);
    cv_done_.wait(lock, [this] { return !done_.empty(); });
  }
}

void FileDigester::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !todo_.empty(); });
    if (stop_) return;
    Job job = std::move(todo_.front());
    todo_.pop_front();
    lock.unlock();
    job.digest = Sha256File(job.path, &job.size);
    lock.lock();
    done_.push_back(std::move(job));
    lock.unlock();
    cv_done_.notify_one();
    if (wake_) wake_();
    lock.lock();
  }
}

}  // namespace pix
