package io.cgiguard.diagnose;

import java.util.Locale;

/**
 * The likely causes of a failed CGI exchange, each with an explanation and a fix: the one table
 * that the {@link Diagnoser}, the diagnostic page and the documentation ({@code docs/causes.md},
 * made by {@link #markdownTable()}) all use.
 */
public enum Cause {
  SHEBANG_CR(
      "The #! line ends in a carriage return",
      "The script was saved with Windows line endings (CR LF). The kernel reads the #! line up to"
          + " the LF, so the interpreter's name ends in an invisible CR, and no program such as"
          + " `perl\\r` exists.",
      "Convert the script to Unix line endings (dos2unix, or your editor's LF setting) and"
          + " upload it in text mode."),
  SHEBANG_WINDOWS_PATH(
      "The #! line names a Windows program",
      "The #! line names a Windows path such as C:\\Perl\\bin\\perl.exe, which does not exist on"
          + " this system.",
      "Change the #! line to the interpreter's path here, for example #!/usr/bin/perl, or map"
          + " the extension to an interpreter in the gateway's configuration."),
  MISSING_INTERPRETER(
      "The interpreter is not installed",
      "The program named on the #! line (or by the handler mapping) cannot be found.",
      "Install the interpreter, or correct the #! line to where it is installed (`command -v"
          + " perl`)."),
  NOT_EXECUTABLE(
      "The script is not executable",
      "The file has no execute permission for the user the gateway runs scripts as.",
      "Make it executable: chmod 755 on the script (and check the directories above it)."),
  NOEXEC_MOUNT(
      "The script lies on a noexec file system",
      "The file system holding the script is mounted with noexec, so no program on it may run,"
          + " whatever its permissions.",
      "Move the script to a file system mounted without noexec, or run it through an"
          + " interpreter mapping."),
  BODY_BEFORE_HEADERS(
      "The script printed its page before any header",
      "The first line the script wrote is body text (such as <html>), not a header field; a CGI"
          + " response must start with headers such as Content-Type and a blank line.",
      "Print \"Content-Type: text/html\" followed by an empty line before anything else (in"
          + " Perl: print \"Content-Type: text/html\\n\\n\";), and make sure no module prints"
          + " first."),
  HEADER_WITHOUT_COLON(
      "A header line has no colon",
      "A line of the response headers is not of the form Name: value.",
      "Fix the line the script prints, or end the headers with an empty line before body text."),
  PERL_COMPILE_ERROR(
      "Perl could not compile the script",
      "Perl stopped before running the script: a syntax error, a module that is not installed,"
          + " or a BEGIN block that failed. The message is on stderr.",
      "Run perl -c on the script as the gateway's user, and install missing modules or fix"
          + " @INC (PERL5LIB in the gateway's environment settings)."),
  CPU_LIMIT(
      "The script used up its CPU time limit",
      "The kernel stopped the script when it reached the CPU limit (SIGXCPU, then SIGKILL).",
      "Look for an endless loop; if the work is genuine, raise limits.cpu."),
  MEMORY_LIMIT(
      "The script ran out of memory under the address-space limit",
      "The script asked for more memory than its address-space limit allows; Perl says \"Out"
          + " of memory!\", other programs crash with SIGSEGV or SIGABRT.",
      "Reduce what the script holds in memory, or raise limits.address-space."),
  CRASHED(
      "The script crashed",
      "A fault signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT) ended it: a bug in the"
          + " program, its interpreter or a library it loads, or memory it could not get under"
          + " the address-space limit and did not check for.",
      "Run it by hand as the gateway's user with the same request (cgiguard run SCRIPT) and"
          + " check the kernel log for the fault; if it crashes only with large inputs, raise"
          + " limits.address-space."),
  KILLED_EXTERNALLY(
      "The script was killed by someone other than the gateway",
      "SIGKILL arrived although the gateway sent none: most likely the kernel's OOM killer (see"
          + " dmesg) or an operator.",
      "Check the kernel log for \"Out of memory: Killed process\"; lower the script's memory use"
          + " or give the machine more memory."),
  NT_INIT_FAILURE(
      "The script exited with code 128 and no output",
      "Exit code 128 without a byte of output is how an interpreter reports that it could not"
          + " even initialise (on Windows: a DLL or a console it could not get).",
      "Run the interpreter by hand as the gateway's user with the same environment, and check"
          + " that its libraries are installed."),
  STDOUT_CLOSED_EARLY(
      "The script closed its output but kept running",
      "The script closed stdout (or handed it to a child that closed it) before the blank line"
          + " that ends the headers, and went on running.",
      "Do not close STDOUT or redirect it before the headers are complete; a daemonising child"
          + " must not take stdout with it."),
  HEADER_TIMEOUT(
      "The script was too slow to send its headers",
      "No complete header block arrived within the header timeout: the script is slow before"
          + " its first print, or it waits for input on stdin it never gets.",
      "Print the headers first and flush them ($| = 1 in Perl); read at most CONTENT_LENGTH"
          + " bytes of stdin; or raise timeouts.header."),
  HEADERS_TOO_LARGE(
      "The response headers are too large",
      "The script wrote more header bytes than limits.max-header-bytes allows, usually because"
          + " the blank line after the headers is missing and the body is read as headers.",
      "End the headers with an empty line; keep cookies and other headers small."),
  GATEWAY_STOPPING(
      "The gateway is stopping",
      "The gateway was told to stop (SIGTERM) and the script was still running when"
          + " [server] drain-timeout passed, so the gateway killed its process group. Nothing"
          + " retries it; the request may be sent again to a gateway that is running.",
      "If scripts need longer to finish, raise [server] drain-timeout (and the time the service"
          + " manager allows for a stop); otherwise nothing is wrong with the script."),
  PROCESS_SHORTAGE(
      "The machine could not start another process",
      "Starting the script failed with EAGAIN (no task left under RLIMIT_NPROC, a cgroup's"
          + " pids.max or kernel.threads-max), ENOMEM (no memory for a new process), or EMFILE or"
          + " ENFILE (no file descriptor left for the script's pipes). The script never ran; the gateway retried, lowered how many scripts it runs at once, and"
          + " answers the excess with 503 and Retry-After until spawns succeed again.",
      "Raise the limit that was reached (named on this page and in the log) or lower"
          + " [concurrency] max-running; `cgiguard check` says which limits are too tight.");

  private final String title;
  private final String explanation;
  private final String fix;

  Cause(String title, String explanation, String fix) {
    this.title = title;
    this.explanation = explanation;
    this.fix = fix;
  }

  /** @return the stable id, such as {@code shebang-cr}, used in JSON and documentation */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @return a short title */
  public String title() {
    return title;
  }

  /** @return what goes wrong, in a sentence or two */
  public String explanation() {
    return explanation;
  }

  /** @return what to do about it */
  public String fix() {
    return fix;
  }

  /**
   * @return whether, once diagnosed, this cause is certain to fail the next attempt the same way:
   *     it lies in the script's file, its text or the system it runs on, not in the moment. The
   *     attempt loop does not retry such a failure. Resource limits, outside kills, early closes
   *     and timeouts can depend on the moment, and keep the retry policy's say.
   */
  public boolean retryCannotCure() {
    return switch (this) {
      case SHEBANG_CR, SHEBANG_WINDOWS_PATH, MISSING_INTERPRETER, NOT_EXECUTABLE, NOEXEC_MOUNT,
          BODY_BEFORE_HEADERS, HEADER_WITHOUT_COLON, PERL_COMPILE_ERROR, HEADERS_TOO_LARGE -> true;
      case CPU_LIMIT, MEMORY_LIMIT, CRASHED, KILLED_EXTERNALLY, NT_INIT_FAILURE,
          STDOUT_CLOSED_EARLY,
          HEADER_TIMEOUT, PROCESS_SHORTAGE, GATEWAY_STOPPING -> false;
    };
  }

  /** @return the whole table as Markdown, for {@code docs/causes.md} */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder();
    table.append("| id | cause | explanation | fix |\n|---|---|---|---|\n");
    for (Cause cause : values()) {
      table
          .append("| `").append(cause.id()).append("` | ")
          .append(cell(cause.title)).append(" | ")
          .append(cell(cause.explanation)).append(" | ")
          .append(cell(cause.fix)).append(" |\n");
    }
    return table.toString();
  }

  /** A pipe would end the cell and a {@code <html>} would vanish as a tag on GitHub. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("<", "&lt;");
  }
}
