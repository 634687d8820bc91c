package io.cgiguard.failure;

import io.cgiguard.launch.SpawnError;
import io.cgiguard.launch.Termination;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the gateway saw of one failed attempt, kept verbatim for diagnosis and for the detailed
 * diagnostic page. Nothing here is escaped: the page escapes it when it renders it.
 *
 * @param termination how the script ended, when it had been reaped
 * @param spawnError why the program never ran, when it did not
 * @param headerBytes the bytes of the response header block that did arrive (RFC 3875 section 6)
 * @param stderrTail the last bytes the script wrote to stderr
 * @param wallTime from spawn until the gateway gave up on the attempt
 * @param scriptPath the script's file (SCRIPT_FILENAME)
 * @param argv the argv the launcher was given
 */
public record Evidence(
    Optional<Termination> termination,
    Optional<SpawnError> spawnError,
    byte[] headerBytes,
    byte[] stderrTail,
    Duration wallTime,
    String scriptPath,
    List<String> argv) {

  public Evidence {
    Objects.requireNonNull(termination, "termination");
    Objects.requireNonNull(spawnError, "spawnError");
    headerBytes = headerBytes == null ? new byte[0] : headerBytes.clone();
    stderrTail = stderrTail == null ? new byte[0] : stderrTail.clone();
    Objects.requireNonNull(wallTime, "wallTime");
    Objects.requireNonNull(scriptPath, "scriptPath");
    argv = List.copyOf(argv);
  }

  /** @return a copy of the header bytes that arrived */
  @Override
  public byte[] headerBytes() {
    return headerBytes.clone();
  }

  /** @return a copy of the stderr tail */
  @Override
  public byte[] stderrTail() {
    return stderrTail.clone();
  }

  /** @return how many header bytes arrived, without copying them */
  public int headerByteCount() {
    return headerBytes.length;
  }

  /** @return the stderr tail decoded as UTF-8 (malformed bytes replaced) */
  public String stderrText() {
    return new String(stderrTail, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** @return the header bytes decoded as ISO-8859-1, one char per byte, as HTTP fields are */
  public String headerText() {
    return new String(headerBytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
