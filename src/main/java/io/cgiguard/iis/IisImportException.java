package io.cgiguard.iis;

/**
 * Input the importer cannot read at all: a missing file, malformed XML, a DTD, a web.config that
 * belongs to no site. The message is one line, names the file and, for XML, its line and column.
 * Settings that can be read but not translated are never exceptions; they are listed in
 * {@link ImportedConfig#notTranslated()}.
 */
public final class IisImportException extends Exception {

  private static final long serialVersionUID = 1L;

  public IisImportException(String message) {
    super(message);
  }

  public IisImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
