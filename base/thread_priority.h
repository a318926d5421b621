// The calling thread's CPU priority. On Linux a thread is a process to
// getpriority and setpriority, so a nice value can be set per thread: a
// server's handler threads below its I/O threads, a reindex below the searches
// of the process it runs in.
//
//   LowerThreadPriority(10);  // this thread gives way to the others
#pragma once

namespace vitrine {

// The calling thread's nice value (0 if it cannot be read).
int ThreadNice();

// Lowers the calling thread's priority by `by` nice levels (to 19 at most);
// nothing when `by` is not positive. Best effort. Without privilege a thread
// never gets its priority back, so call it only on threads of one's own.
void LowerThreadPriority(int by);

}  // namespace vitrine
