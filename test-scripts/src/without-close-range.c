/*
 * without-close-range: runs a program under a seccomp filter that makes close_range(2) fail, as
 * on Linux before 5.9 (ENOSYS) or in a container whose seccomp profile predates the call (EPERM:
 * Docker's default profile refused it so until 2020). Every other system call is allowed, and
 * the filter holds for the program and everything it starts.
 *
 *   without-close-range ENOSYS|EPERM PROGRAM [ARG...]
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "without-close-range knows the audit architecture of x86_64 and aarch64 only"
#endif

int main(int argc, char **argv) {
  if (argc < 3 || (strcmp(argv[1], "ENOSYS") != 0 && strcmp(argv[1], "EPERM") != 0)) {
    fprintf(stderr, "usage: without-close-range ENOSYS|EPERM PROGRAM [ARG...]\n");
    return 2;
  }
  unsigned int error = strcmp(argv[1], "ENOSYS") == 0 ? ENOSYS : EPERM;
  struct sock_filter filter[] = {
      /* Another architecture's calls (a 32-bit program) pass: their numbers differ. */
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (error & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    perror("without-close-range: PR_SET_NO_NEW_PRIVS");
    return 1;
  }
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    perror("without-close-range: PR_SET_SECCOMP");
    return 1;
  }
  /* Shown to work before the program starts: a filter that did not take would test nothing. */
  if (syscall(SYS_close_range, 1000000U, 1000000U, 0U) == 0 || errno != (int)error) {
    fprintf(stderr, "without-close-range: close_range still works under the filter\n");
    return 1;
  }
  execvp(argv[2], argv + 2);
  perror("without-close-range: exec");
  return 127;
}
