package io.cgiguard.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code [tls]} files into one in-memory key store: a PEM certificate chain with its PEM
 * (PKCS#8) private key, or a PKCS#12 store with its password. Used once while the configuration
 * is checked, so that a wrong password or a key that does not match is a configuration problem
 * with a line, and again when the listener is built.
 */
public final class TlsKeys {

  /** The alias and password of the key entry in the in-memory store. */
  public static final String ALIAS = "cgiguard";
  public static final char[] ENTRY_PASSWORD = "cgiguard".toCharArray();

  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

  private TlsKeys() {}

  /** A problem with one of the files, for people: what is wrong and how to fix it. */
  public static final class TlsKeyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    TlsKeyException(String key, String message) {
      super(message);
      this.key = key;
    }

    /** @return the {@code [tls]} key whose file is at fault */
    public String key() {
      return key;
    }
  }

  /** @return whether {@code file} starts like a PEM file (else it is taken for PKCS#12) */
  public static boolean isPem(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      String start = new String(in.readNBytes(256), StandardCharsets.ISO_8859_1).stripLeading();
      return start.startsWith("-----BEGIN");
    }
  }

  /** @return a PKCS#12 store in memory holding the one key entry {@link #ALIAS} */
  public static KeyStore load(FrontDoor.Tls tls) throws TlsKeyException {
    try {
      return tls.pkcs12() ? fromPkcs12(tls) : fromPem(tls);
    } catch (IOException e) {
      throw new TlsKeyException("certificate", "cannot read the key material: " + e.getMessage());
    }
  }

  private static KeyStore fromPem(FrontDoor.Tls tls) throws TlsKeyException, IOException {
    List<Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      Collection<? extends Certificate> read =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      chain.addAll(read);
    } catch (GeneralSecurityException e) {
      throw new TlsKeyException("certificate", tls.certificate() + " is not a PEM certificate "
          + "chain: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new TlsKeyException("certificate", tls.certificate() + " holds no certificate");
    }
    PrivateKey key = privateKey(tls.privateKey().orElseThrow(), chain.get(0));
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, ENTRY_PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException e) {
      throw new TlsKeyException("private-key", "the private key cannot be stored with the "
          + "certificate chain: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file, Certificate leaf)
      throws TlsKeyException, IOException {
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    Matcher pem = PEM_KEY.matcher(text);
    if (!pem.find()) {
      throw new TlsKeyException("private-key", file + " holds no PEM private key");
    }
    if (!pem.group(1).isEmpty()) {
      throw new TlsKeyException("private-key", file + " is a \"" + pem.group(1).trim()
          + " PRIVATE KEY\"; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in "
          + file.getFileName() + " -out key.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
    String algorithm = leaf.getPublicKey().getAlgorithm();
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new TlsKeyException("private-key", file + " is not a " + algorithm
          + " private key matching the certificate: " + e.getMessage());
    }
  }

  private static KeyStore fromPkcs12(FrontDoor.Tls tls) throws TlsKeyException, IOException {
    char[] password = tls.password().orElse("").toCharArray();
    KeyStore source;
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      source = KeyStore.getInstance("PKCS12");
      source.load(in, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsKeyException("certificate", tls.certificate() + " cannot be opened as "
          + "PKCS#12 with the given password: " + e.getMessage());
    }
    try {
      for (String alias : java.util.Collections.list(source.aliases())) {
        if (source.isKeyEntry(alias)) {
          KeyStore store = KeyStore.getInstance("PKCS12");
          store.load(null, null);
          store.setKeyEntry(ALIAS, source.getKey(alias, password), ENTRY_PASSWORD,
              source.getCertificateChain(alias));
          return store;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new TlsKeyException("password", "the key in " + tls.certificate()
          + " cannot be read: " + e.getMessage());
    }
    throw new TlsKeyException("certificate", tls.certificate() + " holds no private key entry");
  }
}
