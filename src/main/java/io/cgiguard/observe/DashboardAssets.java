package io.cgiguard.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The dashboard's script, style sheet and icon, served from the jar so that the page needs nothing from
 * another origin. Read once, on first use.
 */
public final class DashboardAssets {

  /** The content type of {@link #script()}. */
  public static final String SCRIPT_TYPE = "text/javascript; charset=utf-8";
  /** The content type of {@link #style()}. */
  public static final String STYLE_TYPE = "text/css; charset=utf-8";

  private DashboardAssets() {}

  /** The content type of {@link #icon()}. */
  public static final String ICON_TYPE = "image/svg+xml";

  /** @return dashboard.svg, the page's icon */
  public static byte[] icon() {
    return Holder.ICON.clone();
  }

  /** @return dashboard.js */
  public static byte[] script() {
    return Holder.SCRIPT.clone();
  }

  /** @return dashboard.css */
  public static byte[] style() {
    return Holder.STYLE.clone();
  }

  private static final class Holder {
    static final byte[] SCRIPT = read("dashboard.js");
    static final byte[] STYLE = read("dashboard.css");
    static final byte[] ICON = read("dashboard.svg");
  }

  private static byte[] read(String name) {
    try (InputStream in = DashboardAssets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from the jar", e);
    }
  }
}
