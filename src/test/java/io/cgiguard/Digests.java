package io.cgiguard;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digests tests compare a script's answer with: what reached it, byte for byte. */
public final class Digests {

  private Digests() {}

  /** @return the SHA-256 of {@code bytes} in lower-case hex, as the fixture scripts print it */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
