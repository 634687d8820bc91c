package io.cgiguard.load;

import java.io.IOException;

/** The bytes a server sent are not an HTTP/1.x response; becomes {@link Reply.Malformed}. */
final class MalformedResponseException extends IOException {

  private static final long serialVersionUID = 1L;

  MalformedResponseException(String message) {
    super(message);
  }
}
