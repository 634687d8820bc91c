/*
 * hello: the smallest useful CGI program (RFC 3875 section 6), used to measure what a CGI
 * server costs per request when the script itself costs almost nothing.
 *
 * The whole response goes out in one write(2), so a reader sees the header block and the
 * body together and the measured rate is the server's spawn and relay path, not stdio.
 */
#include <string.h>
#include <unistd.h>

int main(void)
{
    static const char response[] =
        "Content-Type: text/plain\r\n"
        "\r\n"
        "hello\n";
    size_t length = sizeof response - 1;
    const char *next = response;
    while (length > 0) {
        ssize_t written = write(STDOUT_FILENO, next, length);
        if (written < 0) {
            return 1;
        }
        next += written;
        length -= (size_t) written;
    }
    return 0;
}
