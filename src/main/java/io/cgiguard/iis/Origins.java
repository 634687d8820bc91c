package io.cgiguard.iis;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Names where an element was written ("web.config &lt;location path="x"&gt;"), for messages. */
final class Origins {

  private static final String KEY = "io.cgiguard.iis.origin";

  private Origins() {}

  /** Records that {@code root} and everything below it come from {@code origin}. */
  static void mark(Element root, String origin) {
    root.setUserData(KEY, origin, null);
  }

  static String of(Element element) {
    for (Node n = element; n != null; n = n.getParentNode()) {
      Object origin = n.getUserData(KEY);
      if (origin != null) {
        return origin.toString();
      }
    }
    return element.getOwnerDocument() == null ? "?" : element.getOwnerDocument().getDocumentURI();
  }

  /** The element's path from its scope root, e.g. "system.webServer/handlers/add[name=CGI]". */
  static String path(Element element) {
    StringBuilder path = new StringBuilder(label(element));
    for (Node n = element.getParentNode(); n instanceof Element e; n = e.getParentNode()) {
      if (e.getUserData(KEY) != null) {
        break;
      }
      path.insert(0, label(e) + "/");
    }
    return path.toString();
  }

  private static String label(Element e) {
    String tag = e.getTagName();
    if ((tag.equals("add") || tag.equals("remove")) && e.getAttributes().getLength() > 0) {
      Node first = e.getAttributes().item(0);
      for (String key : new String[] {"name", "path", "fileExtension", "verb", "segment",
          "sequence", "value", "header", "statusCode"}) {
        if (e.hasAttribute(key)) {
          first = e.getAttributeNode(key);
          break;
        }
      }
      return tag + "[" + first.getNodeName() + "=" + first.getNodeValue() + "]";
    }
    return tag;
  }
}
