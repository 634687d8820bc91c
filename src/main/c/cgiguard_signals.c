/*
 * cgiguard's signals: the operator's signals taken without a thread made for each.
 *
 * The JVM runs a Java signal handler (sun.misc.Signal) in a thread it starts when the signal
 * arrives. When the process table is full, or the gateway's cgroup has no task left, that thread
 * cannot be made: the JVM prints an OutOfMemoryError and the signal is lost. A stop or a reload
 * asked for during the very shortage the gateway is built to outlive would not happen.
 *
 * Here the signal's handler only writes the signal's number into a pipe, which write(2) does
 * safely inside a handler, and a thread the gateway started with all its others reads the pipe
 * and does the work, one signal after another. A signal that reached the handler is lost only
 * if some 65,000 of them wait unread at once (as for any handler, the kernel merges repeats of a
 * signal that is still pending).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile int write_end = -1;
static int read_end = -1;

static void on_signal(int signal) {
  int saved = errno;
  unsigned char number = (unsigned char)signal;
  int fd = write_end;
  if (fd >= 0) {
    ssize_t written = write(fd, &number, 1);
    (void)written; /* a full pipe drops this one; nothing better can be done in a handler */
  }
  errno = saved;
}

/*
 * Opens the pipe the first time and returns its read end (blocking, close-on-exec); the same
 * descriptor on later calls. Returns -errno when the pipe cannot be made.
 */
int cgiguard_signals_open(void) {
  if (read_end >= 0) {
    return read_end;
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return -errno;
  }
  /* The handler must never block: the write end alone is non-blocking. */
  int flags = fcntl(fds[1], F_GETFL);
  if (flags < 0 || fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) != 0) {
    int error = errno;
    close(fds[0]);
    close(fds[1]);
    return -error;
  }
  read_end = fds[0];
  write_end = fds[1];
  return read_end;
}

/*
 * Sends every later `signal` into the pipe, whatever the disposition was before (the JVM's
 * handler, the default, or "ignore" inherited from nohup). Returns 0, or the errno of sigaction;
 * EBADF when the pipe was not opened first.
 */
int cgiguard_signals_take(int signal) {
  if (write_end < 0) {
    return EBADF;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  return sigaction(signal, &action, NULL) == 0 ? 0 : errno;
}
