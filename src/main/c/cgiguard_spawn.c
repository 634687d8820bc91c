/*
 * cgiguard's spawn: what glibc's posix_spawn does for the launcher, without its costs.
 *
 * The launcher used to start each script with posix_spawn(3) and then apply its limits with
 * prlimit(2) from the gateway. That cost, per script:
 *  - a 36 KiB stack that glibc maps for the child and unmaps once it has called exec; unmapping
 *    memory in a process whose threads run on several CPUs flushes the other CPUs' TLBs, an
 *    interrupt through the hypervisor on a virtual machine;
 *  - some twenty JNA calls to build the file actions and attributes, and one prlimit per limit;
 *  - and a window in which the script ran without its limits: a fork bomb could fork before
 *    RLIMIT_NPROC landed.
 *
 * Here the child is started with clone(CLONE_VM | CLONE_VFORK) on a stack kept for reuse, sets
 * its own limits before exec, and the kernel hands back a pidfd with the pid (CLONE_PIDFD), so
 * one call does what took about thirty. Where it can, the child also starts on the gateway's
 * descriptor table (CLONE_FILES) and copies only its low end (see the slots below), not the
 * hundreds of descriptors a busy gateway holds.
 *
 * The child shares the parent's memory until it calls execve, exactly as posix_spawn's child
 * does, so it calls only async-signal-safe functions, touches no lock, and reports a failure by
 * writing into the parent's memory (the parent is suspended until the child execs or exits).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

/* Which step failed; the Java side names them in its messages (CloneSpawn.STEPS). */
enum step {
  STEP_NONE = 0,
  STEP_PIPE = 1,
  STEP_CLONE = 2,
  STEP_SETPGID = 3,
  STEP_SETRLIMIT = 4,
  STEP_DUP2 = 5,
  STEP_CHDIR = 6,
  STEP_CLOSE_RANGE = 7,
  STEP_EXECVE = 8,
  STEP_STACK = 9,
  STEP_PIDFD = 10,
  STEP_UNSHARE = 11,
};

/* The child's stack. It only runs the short function below and execve, as glibc's spawn child
 * does on its 36 KiB; 64 KiB stays under malloc's mmap threshold, so no stack is ever mapped or
 * unmapped after the first spawns. */
#define STACK_BYTES (64 * 1024)

struct stack {
  struct stack *next;
};

static pthread_mutex_t stacks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stack *free_stacks;

static void *take_stack(void) {
  pthread_mutex_lock(&stacks_lock);
  struct stack *s = free_stacks;
  if (s != NULL) {
    free_stacks = s->next;
  }
  pthread_mutex_unlock(&stacks_lock);
  return s != NULL ? (void *)s : malloc(STACK_BYTES);
}

static void give_back_stack(void *memory) {
  struct stack *s = memory;
  pthread_mutex_lock(&stacks_lock);
  s->next = free_stacks;
  free_stacks = s;
  pthread_mutex_unlock(&stacks_lock);
}

struct child {
  const char *program;
  char *const *argv;
  char *const *envp;
  const char *directory;
  const long *limits; /* triples: resource, soft, hard */
  int limit_count;
  const char *oom_score; /* written to /proc/self/oom_score_adj, or NULL */
  int fds[3];            /* become 0, 1 and 2 */
  /* Above 0: the child was started sharing the gateway's descriptor table (CLONE_FILES) and takes
   * a table of its own holding only the descriptors below this one, fds among them (see slots). */
  unsigned int own_table_below;
  /* Set when the kernel put every handled signal back to its default at clone
   * (CLONE_CLEAR_SIGHAND): the child then resets only the ignored ones, in ignored. */
  int handlers_cleared;
  unsigned long ignored;
  /* Written by the child when a step fails; read by the parent once clone returns. */
  volatile int error;
  volatile int step;
  /* Set by the child when close_range would not give it a partial table and it copied the whole
   * table with unshare instead: the parent then stops sharing tables. */
  volatile int partial_copy_refused;
};

/* Where close_range fails (before Linux 5.9, or refused by a seccomp filter) the descriptors are
 * read from /proc/self/fd and closed, again until a pass finds none (closing while listing may
 * skip entries). */
static int close_listed(void) {
  for (;;) {
    int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
      return -1;
    }
    char buffer[4096];
    int closed = 0;
    long n;
    while ((n = syscall(SYS_getdents64, dir, buffer, sizeof buffer)) > 0) {
      for (long at = 0; at < n;) {
        /* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name */
        unsigned short length;
        memcpy(&length, buffer + at + 16, sizeof length);
        const char *name = buffer + at + 19;
        int fd = 0;
        int digits = 0;
        for (; *name >= '0' && *name <= '9'; name++, digits++) {
          fd = fd * 10 + (*name - '0');
        }
        if (digits > 0 && fd >= 3 && fd != dir) {
          syscall(SYS_close, fd);
          closed++;
        }
        at += length;
      }
    }
    syscall(SYS_close, dir);
    if (n < 0) {
      return -1;
    }
    if (closed == 0) {
      return 0;
    }
  }
}

__attribute__((noreturn)) static int fail(struct child *c, int step) {
  /* The error first: a parent that sees the step reads an error that is already there. */
  c->error = errno != 0 ? errno : ECHILD;
  c->step = step;
  _exit(127);
}

/* The kernel's signal mask, as rt_sigprocmask takes it: 64 bits on Linux. */
typedef unsigned long kernel_sigset;

static int child_main(void *arg) {
  struct child *c = arg;
  /* System calls rather than glibc's wrappers where they differ: open, write and close would
   * touch the parent thread's cancellation state, and sigaction and sigprocmask refuse glibc's
   * two internal signals. */
  if (c->own_table_below > 0) {
    /* Still the gateway's table: nothing may be opened, moved or closed in it. close_range with
     * CLOSE_RANGE_UNSHARE over everything from own_table_below up gives this child a table of its
     * own that the kernel fills with only the descriptors below (Linux 5.9); where it is refused,
     * the whole table is copied, as clone without CLONE_FILES would have. */
    if (syscall(SYS_close_range, c->own_table_below, ~0U, CLOSE_RANGE_UNSHARE) != 0) {
      if (syscall(SYS_unshare, CLONE_FILES) != 0) {
        return fail(c, STEP_UNSHARE);
      }
      c->partial_copy_refused = 1;
    }
  }
  /* A process group of its own, so that the whole tree can be killed. */
  if (setpgid(0, 0) != 0) {
    return fail(c, STEP_SETPGID);
  }
  if (c->oom_score != NULL) {
    /* Best effort: without /proc the script keeps the gateway's score. */
    long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      syscall(SYS_write, fd, c->oom_score, strlen(c->oom_score));
      syscall(SYS_close, fd);
    }
  }
  for (int target = 0; target < 3; target++) {
    int fd = c->fds[target];
    if (fd == target) {
      /* dup2 onto itself keeps O_CLOEXEC; the descriptor must survive the exec. */
      if (syscall(SYS_fcntl, fd, F_SETFD, 0) != 0) {
        return fail(c, STEP_DUP2);
      }
    } else if (syscall(SYS_dup3, fd, target, 0) != target) {
      return fail(c, STEP_DUP2);
    }
  }
  if (syscall(SYS_chdir, c->directory) != 0) {
    return fail(c, STEP_CHDIR);
  }
  /* Nothing of the gateway's is inherited: every descriptor from 3 up is closed. Any failure of
   * close_range, not only ENOSYS: a container's seccomp filter may answer EPERM instead. */
  if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0 && close_listed() != 0) {
    return fail(c, STEP_CLOSE_RANGE);
  }
  /* The limits last before exec: nothing after them needs a descriptor (a low RLIMIT_NOFILE
   * would fail close_listed's open), and they hold from the program's first instruction. An
   * address-space limit covers the program's image too, as with Apache's RLimitMEM. */
  for (int i = 0; i < c->limit_count; i++) {
    struct rlimit limit = {(rlim_t)c->limits[3 * i + 1], (rlim_t)c->limits[3 * i + 2]};
    /* EPERM: above the gateway's own hard limit, so the child already has a tighter one. */
    if (syscall(SYS_setrlimit, (int)c->limits[3 * i], &limit) != 0 && errno != EPERM) {
      return fail(c, STEP_SETRLIMIT);
    }
  }
  /* Every signal at its default and none blocked. The JVM handles and blocks several; a handler
   * left in place would run JVM code in this child, on memory it shares with the gateway, should
   * a signal arrive before exec. glibc's own posix_spawn leaves its internal signals ignored,
   * which exec keeps: a gateway started by such a parent would hand that on to every script.
   * struct kernel_sigaction: handler, flags, restorer, mask, on x86-64 and arm64 alike. */
  struct {
    unsigned long handler, flags, restorer, mask;
  } defaults = {0, 0, 0, 0};
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) {
      continue;
    }
    /* Handlers already cleared by the kernel: only the ignored signals are left to reset, and
     * sixty-odd system calls (some 15 microseconds, with the gateway's thread waiting) are not
     * made. */
    if (c->handlers_cleared && !(c->ignored & (1UL << (sig - 1)))) {
      continue;
    }
    syscall(SYS_rt_sigaction, sig, &defaults, NULL, sizeof(kernel_sigset));
  }
  kernel_sigset none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
  syscall(SYS_execve, c->program, c->argv, c->envp);
  return fail(c, STEP_EXECVE);
}

/*
 * clone3 with CLONE_CLEAR_SIGHAND (Linux 5.5): the kernel gives the child every handled signal
 * back at its default as it creates it, so the child no longer resets all 64 itself; it still
 * resets the ignored ones (the flag leaves them ignored), from a mask the gateway reads at most
 * once a second (an ignored signal is a matter of behaviour, not of safety: no JVM code can run
 * for it). glibc has no clone3 wrapper, and a child on a stack of its own needs a few
 * instructions of assembly to start, written here for x86-64; elsewhere, where the kernel or a
 * seccomp filter refuses clone3 (ENOSYS, EPERM) or the flag (EINVAL), clone() as before.
 */
#if defined(__x86_64__)
#define HAVE_CLONE3 1
#define CLONE_CLEAR_SIGHAND_FLAG 0x100000000ULL

/* The kernel's struct clone_args as of Linux 5.3 (CLONE_ARGS_SIZE_VER0, 64 bytes). */
struct clone3_args {
  unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/*
 * long clone3_run(struct clone3_args *args, size_t size, int (*fn)(void *), void *arg):
 * the parent gets the pid or -errno; the child, on args->stack, runs fn(arg) and exits with what
 * it returns. r8 and r9 survive the system call; rcx and r11 do not.
 */
__asm__(".text\n"
        ".type clone3_run, @function\n"
        "clone3_run:\n"
        "  mov %rdx, %r8\n"
        "  mov %rcx, %r9\n"
        "  mov $435, %eax\n" /* SYS_clone3 */
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jz 1f\n"
        "  ret\n"
        "1:\n"
        "  xor %ebp, %ebp\n" /* the child's outermost frame */
        "  mov %r9, %rdi\n"
        "  call *%r8\n"
        "  mov %eax, %edi\n"
        "  mov $60, %eax\n" /* SYS_exit */
        "  syscall\n"
        "  hlt\n"
        ".size clone3_run, .-clone3_run\n");
long clone3_run(struct clone3_args *args, unsigned long size, int (*fn)(void *), void *arg);

/* 0 while clone3 is worth trying, 1 once the kernel refused it. */
static int clone3_refused;
#else
#define HAVE_CLONE3 0
#endif

/* The gateway's ignored signals, and when they were read (CLOCK_MONOTONIC nanoseconds; 0:
 * never). Read again at most once a second, by whichever spawn finds them old. */
static unsigned long ignored_mask;
static long long ignored_read_at;

static unsigned long ignored_signals(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long nanos = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
  long long read_at = __atomic_load_n(&ignored_read_at, __ATOMIC_ACQUIRE);
  if (read_at != 0 && nanos - read_at < 1000000000LL) {
    return __atomic_load_n(&ignored_mask, __ATOMIC_RELAXED);
  }
  unsigned long mask = 0;
  struct {
    unsigned long handler, flags, restorer, mask;
  } current;
  for (int sig = 1; sig < NSIG; sig++) {
    if (syscall(SYS_rt_sigaction, sig, NULL, &current, sizeof(kernel_sigset)) == 0
        && current.handler == (unsigned long)SIG_IGN) {
      mask |= 1UL << (sig - 1);
    }
  }
  __atomic_store_n(&ignored_mask, mask, __ATOMIC_RELAXED);
  __atomic_store_n(&ignored_read_at, nanos, __ATOMIC_RELEASE);
  return mask;
}

/*
 * Low descriptor slots, so that a child need not copy the gateway's whole descriptor table.
 *
 * clone without CLONE_FILES copies the parent's table into the child: a reference taken on every
 * open file, each of them a cache line that the gateway's other CPUs are writing (sockets, pipes
 * of running scripts), and exec then drops them all again. With a few dozen descriptors that is
 * a few microseconds; at 64 connections, with some 300 open, the profile put 115 microseconds of
 * every spawn in the kernel's dup_fd alone. The child needs three of them.
 *
 * So the gateway reserves, once and early, triples of low descriptors: placeholders, duplicates of
 * one /dev/null. A spawn takes a free triple, puts its child's three ends there (dup3 replaces a
 * placeholder at once; nothing else can take the number meanwhile), and starts the child with
 * CLONE_FILES; the child's first call gives it a table of its own copied only from below the
 * triple (child_main). Once the child has exec'd, the placeholders go back, closing the gateway's
 * references to the child's ends. Where no triple is free, or the reserve failed, a spawn copies
 * the table as before.
 */
#define SLOT_TRIPLES 8

static int slot_fds[SLOT_TRIPLES][3];
static unsigned int slot_top[SLOT_TRIPLES]; /* one above the triple's highest descriptor */
static unsigned int free_slots;             /* bit i: triple i is reserved and free */
static int placeholder = -1;                /* what the free slots hold: /dev/null */
static int sharing_refused;                 /* 1 once a child could not take a partial table */
static unsigned long long shared_spawns;    /* spawns that started with CLONE_FILES */

/*
 * Reserves up to triples (at most SLOT_TRIPLES) triples; call it once, early, while the gateway
 * has few descriptors open. Returns how many were reserved (0 where none could be).
 */
int cgiguard_spawn_reserve(int triples) {
  if (placeholder >= 0) {
    return __builtin_popcount(__atomic_load_n(&free_slots, __ATOMIC_ACQUIRE));
  }
  int null_fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    return 0;
  }
  if (triples > SLOT_TRIPLES) {
    triples = SLOT_TRIPLES;
  }
  unsigned int reserved = 0;
  for (int i = 0; i < triples; i++) {
    unsigned int top = 0;
    int k = 0;
    for (; k < 3; k++) {
      /* From 3 up: the child moves each to 0, 1 or 2 in turn, which must not overwrite another. */
      int fd = fcntl(null_fd, F_DUPFD_CLOEXEC, 3);
      if (fd < 0) {
        break;
      }
      slot_fds[i][k] = fd;
      if ((unsigned int)fd + 1 > top) {
        top = (unsigned int)fd + 1;
      }
    }
    if (k < 3) {
      while (k-- > 0) {
        close(slot_fds[i][k]);
      }
      break;
    }
    slot_top[i] = top;
    reserved |= 1U << i;
  }
  placeholder = null_fd;
  __atomic_store_n(&free_slots, reserved, __ATOMIC_RELEASE);
  return __builtin_popcount(reserved);
}

/* How many spawns have started their child sharing the gateway's table; for the tests. */
unsigned long long cgiguard_spawn_shared_count(void) {
  return __atomic_load_n(&shared_spawns, __ATOMIC_RELAXED);
}

/* The lowest free triple, taken; -1 when none is free or the kernel would copy the whole table. */
static int take_slots(void) {
  if (__atomic_load_n(&sharing_refused, __ATOMIC_RELAXED)) {
    return -1;
  }
  unsigned int available = __atomic_load_n(&free_slots, __ATOMIC_ACQUIRE);
  while (available != 0) {
    int i = __builtin_ctz(available);
    if (__atomic_compare_exchange_n(&free_slots, &available, available & ~(1U << i), 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      return i;
    }
  }
  return -1;
}

/*
 * Puts the placeholders back in triple i, which closes whatever the slots held, and frees the
 * triple. A slot that cannot be given its placeholder back is closed and its triple retired: a
 * child's end left open in the gateway would keep the script's output from ever ending.
 */
static void give_back_slots(int i) {
  int whole = 1;
  for (int k = 0; k < 3; k++) {
    if (dup3(placeholder, slot_fds[i][k], O_CLOEXEC) < 0) {
      close(slot_fds[i][k]);
      whole = 0;
    }
  }
  if (whole) {
    __atomic_fetch_or(&free_slots, 1U << i, __ATOMIC_RELEASE);
  }
}

static void close_pair(int fds[2]) {
  if (fds[0] >= 0) close(fds[0]);
  if (fds[1] >= 0) close(fds[1]);
}

/*
 * Starts program with argv and envp in directory, with the given limits, in a process group of
 * its own. On success returns 0 and sets out[0..4] to the pid, a pidfd for it, and the gateway's
 * ends of its pipes: stdin (write), stdout (read), stderr (read), all O_CLOEXEC. With stdin_fd
 * at 0 or more the child's stdin is that descriptor instead (the gateway's /dev/null, for a
 * request without a body), which stays the caller's, and out[2] is -1. out[6] is 1 when the
 * child could not write its OOM score (see below). On failure returns the errno, sets out[5] to
 * the step that failed, and leaves nothing open or running.
 */
int cgiguard_spawn(const char *program, char *const *argv, char *const *envp,
                   const char *directory, const long *limits, int limit_count,
                   const char *oom_score, int stdout_pipe_bytes, int stdin_fd, int *out) {
  int in[2] = {-1, -1}, output[2] = {-1, -1}, err[2] = {-1, -1};
  out[5] = STEP_NONE;
  if ((stdin_fd < 0 && pipe2(in, O_CLOEXEC) != 0) || pipe2(output, O_CLOEXEC) != 0
      || pipe2(err, O_CLOEXEC) != 0) {
    int error = errno;
    close_pair(in);
    close_pair(output);
    close_pair(err);
    out[5] = STEP_PIPE;
    return error;
  }
  if (stdout_pipe_bytes > 0) {
    /* Best effort: the kernel may refuse (a user over pipe-user-pages-soft). */
    fcntl(output[0], F_SETPIPE_SZ, stdout_pipe_bytes);
  }
  /* A gateway that dropped root is not dumpable, and the kernel then gives its /proc files to
   * root; the child shares its memory, and so that state, until exec, and its own write of the
   * score would be refused. It is not tried: out[6] tells the caller to have the score written
   * once the script runs (ReapLoop), when its files are its user's, the gateway's user. */
  int score_later = 0;
  if (oom_score != NULL && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1) {
    score_later = 1;
    oom_score = NULL;
  }
  struct child c = {
      .program = program,
      .argv = argv,
      .envp = envp,
      .directory = directory,
      .limits = limits,
      .limit_count = limit_count,
      .oom_score = oom_score,
      .fds = {stdin_fd < 0 ? in[0] : stdin_fd, output[1], err[1]},
      .error = 0,
      .step = STEP_NONE,
  };
  void *stack = take_stack();
  if (stack == NULL) {
    close_pair(in);
    close_pair(output);
    close_pair(err);
    out[5] = STEP_STACK;
    return ENOMEM;
  }
  /* The child's three ends into a triple of low slots, where one is free (see slots above). */
  int triple = take_slots();
  if (triple >= 0) {
    int moved = 0;
    while (moved < 3 && dup3(c.fds[moved], slot_fds[triple][moved], O_CLOEXEC) >= 0) {
      moved++;
    }
    if (moved < 3) {
      give_back_slots(triple);
      triple = -1;
    } else {
      /* The slots hold them now; the numbers pipe2 gave are closed at once. */
      if (in[0] >= 0) {
        close(in[0]);
        in[0] = -1;
      }
      close(output[1]);
      output[1] = -1;
      close(err[1]);
      err[1] = -1;
      for (int k = 0; k < 3; k++) {
        c.fds[k] = slot_fds[triple][k];
      }
      c.own_table_below = slot_top[triple];
    }
  }
  unsigned long long share = triple >= 0 ? CLONE_FILES : 0;
  /* Every signal blocked in this thread while the child shares its memory, glibc's internal
   * ones too (which pthread_sigmask leaves out): no JVM handler may run in the child before it
   * has put every signal back to its default. */
  kernel_sigset all = ~0UL, previous = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &previous, sizeof all);
  int pidfd = -1;
  pid_t pid = -1;
  int clone_error = 0;
  int cloned = 0;
#if HAVE_CLONE3
  if (!__atomic_load_n(&clone3_refused, __ATOMIC_RELAXED)) {
    c.handlers_cleared = 1;
    c.ignored = ignored_signals();
    struct clone3_args args = {
        .flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_CLEAR_SIGHAND_FLAG | share,
        .pidfd = (unsigned long long)(unsigned long)&pidfd,
        .exit_signal = SIGCHLD,
        .stack = (unsigned long long)(unsigned long)stack,
        .stack_size = STACK_BYTES & ~15UL,
    };
    long result = clone3_run(&args, sizeof args, child_main, &c);
    if (result == -ENOSYS || result == -EPERM || result == -EINVAL) {
      __atomic_store_n(&clone3_refused, 1, __ATOMIC_RELAXED);
      c.handlers_cleared = 0;
    } else {
      cloned = 1;
      pid = result < 0 ? -1 : (pid_t)result;
      clone_error = result < 0 ? (int)-result : 0;
    }
  }
#endif
  if (!cloned) {
    char *top = (char *)stack + STACK_BYTES;
    top = (char *)((unsigned long)top & ~15UL);
    pid = clone(child_main, top, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | (int)share | SIGCHLD, &c,
                &pidfd);
    clone_error = errno;
  }
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &previous, NULL, sizeof previous);
  give_back_stack(stack);
  if (triple >= 0) {
    /* The child has exec'd or exited, with a table of its own: the slots go back to their
     * placeholders, which closes the gateway's references to its ends. */
    if (c.partial_copy_refused) {
      __atomic_store_n(&sharing_refused, 1, __ATOMIC_RELAXED);
    }
    give_back_slots(triple);
    if (pid >= 0) {
      __atomic_fetch_add(&shared_spawns, 1, __ATOMIC_RELAXED);
    }
  }
  if (in[0] >= 0) {
    close(in[0]);
  }
  if (output[1] >= 0) {
    close(output[1]);
  }
  if (err[1] >= 0) {
    close(err[1]);
  }
  if (pid < 0) {
    if (in[1] >= 0) {
      close(in[1]);
    }
    close(output[0]);
    close(err[0]);
    out[5] = STEP_CLONE;
    return clone_error;
  }
  int step = c.step;
  int error = c.error;
  if (step == STEP_NONE && pidfd < 0) {
    /* A kernel before 5.2 ignores CLONE_PIDFD; the launcher needs 5.3, so this is a guard. */
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
      step = STEP_PIDFD;
      error = errno;
      kill(-pid, SIGKILL);
    }
  }
  if (step != STEP_NONE) {
    /* The child failed before or at exec and has exited (or was just killed): reap it, so that
     * nothing is left. */
    out[5] = step;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    if (pidfd >= 0) {
      close(pidfd);
    }
    if (in[1] >= 0) {
      close(in[1]);
    }
    close(output[0]);
    close(err[0]);
    return error != 0 ? error : ECHILD;
  }
  out[6] = score_later;
  out[0] = pid;
  out[1] = pidfd;
  out[2] = in[1];
  out[3] = output[0];
  out[4] = err[0];
  return 0;
}
