/*
 * rawspawn: the ceiling a CGI server is measured against. It does only what every CGI server
 * must do per request - posix_spawn the program with stdout on a pipe, read that pipe to EOF,
 * waitpid - in a loop on T threads for a fixed time, and prints the rate.
 *
 *   rawspawn [-t THREADS] [-d SECONDS] [-e NAME=VALUE]... PROGRAM [ARG...]
 *
 * -e adds a variable to the small CGI environment below (at most 8), to measure what one
 * costs a program's start, such as LANG for perl (bench/script-environment.sh).
 *
 * Output is one line of key=value pairs, spawns_per_second first, so scripts can parse it.
 * Threads match the client concurrency of the HTTP rounds (c=1, 8, 64), so the raw figure
 * includes the same contention for CPUs and for the kernel's process table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct worker {
    pthread_t thread;
    char **argv;
    double deadline;
    long spawns;
    long failures;
};

/* A small environment of the kind a CGI server builds (RFC 3875 section 4.1), with room at
 * its end for the -e variables and the NULL. */
#define BASE_VARIABLES 8
#define EXTRA_VARIABLES 8
static char *cgi_environment[BASE_VARIABLES + EXTRA_VARIABLES + 1] = {
    "GATEWAY_INTERFACE=CGI/1.1",
    "SERVER_PROTOCOL=HTTP/1.1",
    "SERVER_SOFTWARE=rawspawn",
    "REQUEST_METHOD=GET",
    "SCRIPT_NAME=/cgi-bin/hello",
    "QUERY_STRING=",
    "REMOTE_ADDR=127.0.0.1",
    "PATH=/usr/local/bin:/usr/bin:/bin",
};
static int cgi_variables = BASE_VARIABLES;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* One request's worth of process work; returns 0 when the child wrote output and exited 0. */
static int spawn_once(char **argv)
{
    int fds[2];
    /* O_CLOEXEC: another thread's child must not inherit this pipe, or our EOF would wait
     * for that unrelated child to exit. */
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    pid_t pid;
    int error = posix_spawn(&pid, argv[0], &actions, NULL, argv, cgi_environment);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (error != 0) {
        close(fds[0]);
        return -1;
    }
    char buffer[65536];
    long total = 0;
    for (;;) {
        ssize_t got = read(fds[0], buffer, sizeof buffer);
        if (got > 0) {
            total += got;
        } else if (got == 0 || errno != EINTR) {
            break;
        }
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return total > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void *run_worker(void *argument)
{
    struct worker *worker = argument;
    while (now_seconds() < worker->deadline) {
        if (spawn_once(worker->argv) == 0) {
            worker->spawns++;
        } else {
            worker->failures++;
        }
    }
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: rawspawn [-t THREADS] [-d SECONDS] [-e NAME=VALUE]... PROGRAM [ARG...]\n");
}

int main(int argc, char **argv)
{
    long threads = 1;
    double seconds = 5;
    int option;
    while ((option = getopt(argc, argv, "+t:d:e:h")) != -1) {
        switch (option) {
        case 't': threads = strtol(optarg, NULL, 10); break;
        case 'd': seconds = strtod(optarg, NULL); break;
        case 'e':
            if (strchr(optarg, '=') == NULL || cgi_variables == BASE_VARIABLES + EXTRA_VARIABLES) {
                fprintf(stderr, "rawspawn: -e takes NAME=VALUE, at most %d times\n",
                        EXTRA_VARIABLES);
                return 2;
            }
            cgi_environment[cgi_variables++] = optarg;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc || threads < 1 || threads > 4096 || seconds <= 0) {
        usage(stderr);
        return 2;
    }
    struct worker *workers = calloc((size_t) threads, sizeof *workers);
    if (workers == NULL) {
        return 1;
    }
    double start = now_seconds();
    for (long i = 0; i < threads; i++) {
        workers[i].argv = &argv[optind];
        workers[i].deadline = start + seconds;
        if (pthread_create(&workers[i].thread, NULL, run_worker, &workers[i]) != 0) {
            fprintf(stderr, "rawspawn: cannot start thread %ld\n", i);
            return 1;
        }
    }
    long spawns = 0, failures = 0;
    for (long i = 0; i < threads; i++) {
        pthread_join(workers[i].thread, NULL);
        spawns += workers[i].spawns;
        failures += workers[i].failures;
    }
    double elapsed = now_seconds() - start;
    printf("spawns_per_second=%.1f spawns=%ld failures=%ld threads=%ld seconds=%.3f\n",
            (double) spawns / elapsed, spawns, failures, threads, elapsed);
    free(workers);
    return failures > 0 && spawns == 0 ? 1 : 0;
}
