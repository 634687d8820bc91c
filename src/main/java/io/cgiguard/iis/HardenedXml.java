package io.cgiguard.iis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The first step of the import: an XML parser that refuses what an IIS configuration file never
 * needs. IIS's own files carry no DTD, so a DOCTYPE is refused outright rather than parsed with
 * entities disabled: that way no entity, internal or external, is ever expanded and nothing is
 * fetched (the XXE and "billion laughs" families).
 */
public final class HardenedXml {

  private static final String DISALLOW_DOCTYPE =
      "http://apache.org/xml/features/disallow-doctype-decl";
  private static final String MAX_ELEMENT_DEPTH =
      "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";

  /**
   * The deepest nesting accepted. IIS's schema nests about eight levels
   * ({@code configuration/location/system.webServer/security/requestFiltering/...}); the walks
   * of the import are recursive, so a file nested thousands deep is refused while parsing, at
   * the line of the first element too deep, rather than overflowing the stack later.
   */
  public static final int MAX_DEPTH = 64;

  /**
   * The largest file read. IIS's own applicationHost.config is a few hundred KiB and it reads a
   * web.config of at most 100 KiB by default; a parsed document takes tens of times its size in
   * memory, so a larger file is refused before it is read.
   */
  public static final long MAX_BYTES = 16L << 20;

  private HardenedXml() {}

  /** Parses {@code file}, or throws with a one-line message naming the file, line and column. */
  public static Document parse(Path file) throws IisImportException {
    DocumentBuilder builder = newBuilder();
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new IisImportException(file + ": refused: " + size + " bytes; files over "
            + (MAX_BYTES >> 20) + " MiB are not read (IIS's own configuration files are far "
            + "smaller)");
      }
    } catch (NoSuchFileException e) {
      throw new IisImportException(file + ": no such file", e);
    } catch (IOException e) {
      throw new IisImportException(file + ": cannot read: " + e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      InputSource source = new InputSource(in);
      source.setSystemId(file.toString());
      return builder.parse(source);
    } catch (SAXParseException e) {
      throw describe(file, e);
    } catch (SAXException e) {
      throw new IisImportException(file + ": refused: " + e.getMessage(), e);
    } catch (NoSuchFileException e) {
      throw new IisImportException(file + ": no such file", e);
    } catch (IOException e) {
      throw new IisImportException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static IisImportException describe(Path file, SAXParseException e) {
    String where = file + ":" + e.getLineNumber() + ":" + e.getColumnNumber();
    String message = String.valueOf(e.getMessage());
    if (message.contains("JAXP00010006") || message.contains("maxElementDepth")) {
      return new IisImportException(where + ": refused: elements nested deeper than " + MAX_DEPTH
          + " levels; IIS configuration needs far fewer", e);
    }
    if (message.contains("DOCTYPE")) {
      return new IisImportException(where + ": refused: the file has a DTD (<!DOCTYPE>); IIS "
          + "configuration needs none, and its entities could read or fetch other files", e);
    }
    return new IisImportException(where + ": malformed XML: " + message, e);
  }

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature(DISALLOW_DOCTYPE, true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      factory.setAttribute(MAX_ELEMENT_DEPTH, Integer.toString(MAX_DEPTH));
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      factory.setNamespaceAware(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      // Belt and braces: should a DOCTYPE ever get past the feature, resolve nothing.
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entity " + systemId + " is not fetched");
      });
      builder.setErrorHandler(THROWING);
      return builder;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a hardening feature", e);
    }
  }

  /** The default handler prints to stderr before throwing; the importer reports once itself. */
  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {
      // Warnings do not change the document; the import reports what it cannot translate.
    }

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };
}
