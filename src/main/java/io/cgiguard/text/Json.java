package io.cgiguard.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one JSON writer of every document the gateway serves (diagnostic and refusal pages, the
 * status document). Jackson writes every string, so script and request text is escaped by
 * construction; besides JSON's own escapes, {@code < > &} and U+2028/U+2029 are written as
 * {@code \}{@code uXXXX}: the same JSON value, but never live markup if a browser sniffs the
 * document as HTML or a client pastes it into a {@code <script>} block.
 *
 * <p>Field names are lower camel case ({@code requestId}, {@code kind}); durations are in
 * milliseconds and sizes in bytes, each with its unit in its name.
 */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter WRITER =
      MAPPER.writerWithDefaultPrettyPrinter().with(new MarkupSafeEscapes());
  private static final ObjectWriter LINE_WRITER = MAPPER.writer().with(new MarkupSafeEscapes());

  private Json() {}

  /** @return a new, empty JSON object to fill */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** @return {@code document} as pretty-printed JSON, ending in a newline */
  public static String write(JsonNode document) {
    try {
      return WRITER.writeValueAsString(document) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
  }

  /** @return {@code document} as one line of JSON, without a newline (for line-based logs) */
  public static String writeLine(JsonNode document) {
    try {
      return LINE_WRITER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serialises", e);
    }
  }

  private static final class MarkupSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] ascii = standardAsciiEscapesForJSON();

    MarkupSafeEscapes() {
      ascii['<'] = ESCAPE_STANDARD;
      ascii['>'] = ESCAPE_STANDARD;
      ascii['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      // U+2028 and U+2029 end a line in JavaScript, not in JSON.
      return ch == 0x2028 || ch == 0x2029
          ? new SerializedString(String.format("\\u%04X", ch))
          : null;
    }
  }
}
