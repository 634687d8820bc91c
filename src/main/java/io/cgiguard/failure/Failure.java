package io.cgiguard.failure;

import java.util.Objects;

/**
 * One failed attempt: its kind (the contract label), a one-line summary in plain words, and the
 * evidence behind it. Produced by the attempt loop's classifier; read by the retry policy, the
 * diagnoser and the diagnostic page.
 *
 * @param kind where the CGI exchange failed
 * @param summary one sentence for people, such as "The script exited with code 1 before it
 *     finished its response headers (0 bytes of headers arrived)"
 * @param evidence what was seen
 */
public record Failure(FailureKind kind, String summary, Evidence evidence) {

  public Failure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(evidence, "evidence");
  }
}
