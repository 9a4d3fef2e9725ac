// autograd/grad_mode.h - turning graph recording off, e.g. for evaluation or optimizer updates.
//
//   { timbre::NoGradGuard no_grad;  // nothing inside this block is recorded
//     auto prediction = model(x); }
#pragma once

namespace timbre {

// Whether ops record nodes on this thread (true unless a NoGradGuard is alive).
bool is_grad_enabled();
void set_grad_enabled(bool enabled);

class NoGradGuard {
 public:
  NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace timbre
