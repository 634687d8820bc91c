package io.cgiguard.fastcgi;

/** The peer broke the FastCGI protocol; the connection cannot go on and is closed. */
public final class ProtocolException extends Exception {

  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
