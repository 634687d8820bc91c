package io.cgiguard.cgi;

/**
 * What a script's stdout amounted to when the gateway stopped reading its header block: complete,
 * or one of the ways a header block fails. Every variant keeps the bytes that did arrive, for the
 * diagnostic page.
 */
public sealed interface HeaderBlock {

  /** The bytes of the header block as received (at most the configured maximum). */
  byte[] received();

  /**
   * A blank line ended a valid header block.
   *
   * @param head the parsed header block
   * @param received the header block's bytes, blank line included
   * @param bodyStart bytes that arrived after the blank line, the first of the body
   */
  record Complete(ResponseHead head, byte[] received, byte[] bodyStart) implements HeaderBlock {}

  /** stdout ended before the blank line: the script died or closed stdout mid-headers. */
  record Incomplete(byte[] received) implements HeaderBlock {}

  /**
   * The header block is not valid CGI: a line without a colon, a bad name, CR/LF/NUL inside a
   * value, an obs-fold, a bad {@code Status}, no {@code Content-Type} or {@code Location}, or a
   * body that started before any header.
   *
   * @param reason what is wrong, for people
   * @param lineNumber the 1-based line of the header block where it was found, 0 when it concerns
   *     the block as a whole
   */
  record Malformed(String reason, int lineNumber, byte[] received) implements HeaderBlock {}

  /** The header block grew past {@code limitBytes} without ending. */
  record TooLarge(int limitBytes, byte[] received) implements HeaderBlock {}
}
