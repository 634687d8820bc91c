package io.cgiguard.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The form test-scripts/cgi-bin/form-upload.pl reads: a "title" field and a "document" file. */
final class MultipartForms {

  static final String BOUNDARY = "----cgiguard-boundary-7MA4YWxkTrZu0gW";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private MultipartForms() {}

  static byte[] titleAndDocument(String title, String fileName, byte[] file) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(("--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
        + title + "\r\n"
        + "--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"document\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }
}
