/*
 * pipelimit: the fastest a CGI server could move a body through a script's pipe on this
 * machine, doing nothing but the pipe work the server itself does.
 *
 *   pipelimit write [-m MIB] [-w WRITE_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]
 *       spawns PROGRAM with stdin on a pipe and stdout on /dev/null, writes MIB MiB into the
 *       pipe in WRITE_BYTES writes, closes it and waits: the upload limit.
 *   pipelimit read [-r READ_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]
 *       spawns PROGRAM with stdout on a pipe, reads it to EOF in READ_BYTES reads and waits:
 *       the download limit.
 *
 *   pipelimit serve [-r READ_BYTES] [-w WRITE_BYTES] [-p PIPE_BYTES] [-n REQUESTS] PORT PROGRAM
 *       a one-connection-at-a-time HTTP/1.0 server on 127.0.0.1:PORT that runs PROGRAM for each
 *       request with stdin and stdout on pipes, passes the request body (Content-Length) from
 *       the socket to stdin in READ_BYTES reads and WRITE_BYTES writes, then the program's output
 *       to the socket in READ_BYTES reads after a "200 OK" status line, and closes. It is the
 *       limit of an upload or a response through HTTP: the same client, the same loopback TCP,
 *       the same pipes and the same program as a CGI server, with nothing else done. Prints
 *       "listening" once the socket is bound and serves REQUESTS requests (default: forever).
 *
 * PIPE_BYTES, when given, is asked for with F_SETPIPE_SZ, as the server does for its pipe; 0
 * keeps the kernel's default. The environment passes on CONTENT_LENGTH (set to the upload's
 * size in write mode) and BIGBODY_MIB. Output is one line of key=value pairs, mib_per_second
 * first, so scripts can parse it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: pipelimit write [-m MIB] [-w WRITE_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]\n"
                 "       pipelimit read [-r READ_BYTES] [-p PIPE_BYTES] PROGRAM [ARG...]\n"
                 "       pipelimit serve [-r READ_BYTES] [-w WRITE_BYTES] [-p PIPE_BYTES] [-n REQUESTS]"
                 " PORT PROGRAM\n");
}

/* Spawns argv with the pipe's far end as its stdin (writing) or stdout (reading). */
static int spawn_on_pipe(char **argv, int writing, long pipe_bytes, int *near_end, pid_t *pid)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return errno;
    }
    if (pipe_bytes > 0) {
        fcntl(fds[0], F_SETPIPE_SZ, (int) pipe_bytes);
    }
    int far_end = writing ? fds[0] : fds[1];
    *near_end = writing ? fds[1] : fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, far_end, writing ? STDIN_FILENO : STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, writing ? STDOUT_FILENO : STDIN_FILENO,
                                     "/dev/null", writing ? O_WRONLY : O_RDONLY, 0);
    extern char **environ;
    int error = posix_spawn(pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(far_end);
    if (error != 0) {
        close(*near_end);
    }
    return error;
}

static int write_all(int fd, const char *bytes, size_t length)
{
    while (length > 0) {
        ssize_t written = write(fd, bytes, length);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        bytes += written;
        length -= (size_t) written;
    }
    return 0;
}

/* Spawns program with stdin and stdout on pipes of pipe_bytes, QUERY_STRING and CONTENT_LENGTH set. */
static int spawn_filter(char *program, long pipe_bytes, const char *query, long long length,
                        int *to_stdin, int *from_stdout, pid_t *pid)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) {
        return errno;
    }
    if (pipe2(out, O_CLOEXEC) != 0) {
        int error = errno;
        close(in[0]);
        close(in[1]);
        return error;
    }
    if (pipe_bytes > 0) {
        fcntl(in[0], F_SETPIPE_SZ, (int) pipe_bytes);
        fcntl(out[0], F_SETPIPE_SZ, (int) pipe_bytes);
    }
    char content_length[48], query_string[1100];
    snprintf(content_length, sizeof content_length, "CONTENT_LENGTH=%lld", length);
    snprintf(query_string, sizeof query_string, "QUERY_STRING=%s", query);
    char *envp[] = {content_length, query_string, "REQUEST_METHOD=POST", NULL};
    char *argv[] = {program, NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    /* The server ignores SIGPIPE (a client may leave mid-answer); the program gets the default. */
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &pipe_signal);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    int error = posix_spawn(pid, program, &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    *to_stdin = in[1];
    *from_stdout = out[0];
    return error;
}

/* One request on connection c: head, body to the program, its output back. */
static void serve_one(int c, char *program, char *buffer, long read_bytes, long write_bytes,
                      long pipe_bytes)
{
    static char head[65536];
    size_t have = 0;
    char *end = NULL;
    while (end == NULL && have < sizeof head - 1) {
        ssize_t n = read(c, head + have, sizeof head - 1 - have);
        if (n <= 0) {
            return;
        }
        have += (size_t) n;
        head[have] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    if (end == NULL) {
        return;
    }
    char *length_field = strcasestr(head, "\r\ncontent-length:");
    long long length = length_field != NULL ? atoll(length_field + 17) : 0;
    char query[1024] = "";
    char *target = strchr(head, ' '), *question = target ? strchr(target + 1, '?') : NULL;
    char *target_end = target ? strchr(target + 1, ' ') : NULL;
    if (question != NULL && target_end != NULL && question < target_end
        && (size_t) (target_end - question) < sizeof query) {
        memcpy(query, question + 1, (size_t) (target_end - question - 1));
        query[target_end - question - 1] = '\0';
    }
    int to_stdin = -1, from_stdout = -1;
    pid_t pid;
    if (spawn_filter(program, pipe_bytes, query, length, &to_stdin, &from_stdout, &pid) != 0) {
        close(to_stdin);
        close(from_stdout);
        return;
    }
    /* The body bytes that came with the head, then the rest from the socket. */
    size_t early = have - (size_t) (end + 4 - head);
    if (early > 0) {
        write_all(to_stdin, end + 4, early);
    }
    long long passed = (long long) early;
    long staged = 0;
    while (passed < length) {
        long want = read_bytes < write_bytes - staged ? read_bytes : write_bytes - staged;
        if (want > length - passed) {
            want = (long) (length - passed);
        }
        ssize_t n = read(c, buffer + staged, (size_t) want);
        if (n <= 0) {
            break;
        }
        staged += n;
        passed += n;
        if (staged == write_bytes || passed == length) {
            write_all(to_stdin, buffer, (size_t) staged);
            staged = 0;
        }
    }
    close(to_stdin);
    static const char status[] = "HTTP/1.0 200 OK\r\nConnection: close\r\n";
    write_all(c, status, sizeof status - 1);
    for (;;) {
        ssize_t n = read(from_stdout, buffer, (size_t) read_bytes);
        if (n > 0) {
            write_all(c, buffer, (size_t) n);
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(from_stdout);
    int status_code;
    while (waitpid(pid, &status_code, 0) < 0 && errno == EINTR) {
    }
}

static int serve(int argc, char **argv)
{
    long read_bytes = 65536, write_bytes = 131072, pipe_bytes = 0, requests = -1;
    int option;
    optind = 2;
    while ((option = getopt(argc, argv, "+r:w:p:n:h")) != -1) {
        switch (option) {
        case 'r': read_bytes = strtol(optarg, NULL, 10); break;
        case 'w': write_bytes = strtol(optarg, NULL, 10); break;
        case 'p': pipe_bytes = strtol(optarg, NULL, 10); break;
        case 'n': requests = strtol(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind + 2 != argc || read_bytes < 1 || write_bytes < 1 || read_bytes > (1L << 30)
        || write_bytes > (1L << 30) || pipe_bytes < 0) {
        usage(stderr);
        return 2;
    }
    /* A client that closes its connection before the whole answer is written (wrk does when its
     * time is up) must end that request, not the server. */
    signal(SIGPIPE, SIG_IGN);
    char *buffer = malloc((size_t) (read_bytes > write_bytes ? read_bytes : write_bytes));
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((unsigned short) atoi(argv[optind]));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (buffer == NULL || listener < 0 || bind(listener, (struct sockaddr *) &address, sizeof address) != 0
        || listen(listener, 16) != 0) {
        fprintf(stderr, "pipelimit: cannot listen on port %s: %s\n", argv[optind], strerror(errno));
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    for (long served = 0; requests < 0 || served < requests; served++) {
        int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) {
                served--;
                continue;
            }
            return 1;
        }
        serve_one(c, argv[optind + 1], buffer, read_bytes, write_bytes, pipe_bytes);
        close(c);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "serve") == 0) {
        return serve(argc, argv);
    }
    if (argc < 2 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "read") != 0)) {
        usage(stderr);
        return 2;
    }
    int writing = strcmp(argv[1], "write") == 0;
    long mib = 16, io_bytes = writing ? 65536 : 131072, pipe_bytes = 0;
    int option;
    optind = 2;
    while ((option = getopt(argc, argv, "+m:w:r:p:h")) != -1) {
        switch (option) {
        case 'm': mib = strtol(optarg, NULL, 10); break;
        case 'w':
        case 'r': io_bytes = strtol(optarg, NULL, 10); break;
        case 'p': pipe_bytes = strtol(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || mib < 1 || io_bytes < 1 || io_bytes > (1L << 30) || pipe_bytes < 0) {
        usage(stderr);
        return 2;
    }
    char *buffer = malloc((size_t) io_bytes);
    if (buffer == NULL) {
        return 1;
    }
    memset(buffer, 'x', (size_t) io_bytes);
    long long total = 0, size = (long long) mib * 1048576;
    if (writing) {
        char length[32];
        snprintf(length, sizeof length, "%lld", size);
        setenv("CONTENT_LENGTH", length, 1);
    }
    double start = now_seconds();
    int near_end = -1;
    pid_t pid;
    int error = spawn_on_pipe(&argv[optind], writing, pipe_bytes, &near_end, &pid);
    if (error != 0) {
        fprintf(stderr, "pipelimit: cannot spawn %s: %s\n", argv[optind], strerror(error));
        return 1;
    }
    if (writing) {
        while (total < size) {
            long long step = size - total < io_bytes ? size - total : io_bytes;
            if (write_all(near_end, buffer, (size_t) step) != 0) {
                break;
            }
            total += step;
        }
    } else {
        for (;;) {
            ssize_t n = read(near_end, buffer, (size_t) io_bytes);
            if (n > 0) {
                total += n;
            } else if (n == 0 || errno != EINTR) {
                break;
            }
        }
    }
    close(near_end);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    double seconds = now_seconds() - start;
    printf("mib_per_second=%.1f bytes=%lld seconds=%.4f io_bytes=%ld pipe_bytes=%ld exit=%d\n",
           (double) total / 1048576.0 / seconds, total, seconds, io_bytes, pipe_bytes,
           WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return writing && total < size ? 1 : 0;
}
