#include "base/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace vitrine {
namespace {

id_t ThisThread() { return static_cast<id_t>(syscall(SYS_gettid)); }

}  // namespace

int ThreadNice() {
  errno = 0;
  const int nice = getpriority(PRIO_PROCESS, ThisThread());
  return errno == 0 ? nice : 0;
}

void LowerThreadPriority(int by) {
  if (by <= 0) return;
  (void)setpriority(PRIO_PROCESS, ThisThread(), std::min(19, ThreadNice() + by));
}

}  // namespace vitrine
