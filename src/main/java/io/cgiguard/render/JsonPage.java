package io.cgiguard.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cgiguard.attempt.Attempt;
import io.cgiguard.diagnose.Diagnosis;
import io.cgiguard.failure.Evidence;
import io.cgiguard.launch.ExitStatus;
import io.cgiguard.launch.ScriptProcess.Signals;
import io.cgiguard.launch.Termination;

/**
 * The JSON diagnostic page, for API clients and the load generator. Jackson writes every string,
 * so script output is escaped by construction. Field names are lower camel case; durations are in
 * milliseconds, sizes in bytes.
 */
final class JsonPage {

  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setCharacterEscapes(new MarkupSafeEscapes());
  }

  /**
   * Writes {@code < > &} as JSON Unicode escapes (backslash, u, 003C), so that a page a browser
   * sniffs as HTML, or one a careless client pastes into a {@code <script>} block, carries no live
   * markup.
   */
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
      return null;
    }
  }

  private JsonPage() {}

  static String render(PageContent content) {
    ObjectNode page = JSON.createObjectNode();
    page.put("status", content.status());
    page.put("reason", content.reasonPhrase());
    page.put("failure", content.kind().label());
    page.put("requestId", content.requestId());
    page.put("message", content.kindDescription());
    page.put("attemptCount", content.attempts().size());
    if (content.headerFailure()) {
      page.put("iis", PageContent.IIS_SENTENCE);
      if (content.detailed()) {
        page.put("headersReceived", content.receivedHeaders());
      } else {
        page.put("headersReceived", (String) null);
        page.put("headersHidden", true);
      }
    }
    if (content.detailed()) {
      content.diagnosis().ifPresent(d -> diagnosis(page.putObject("cause"), d));
      ArrayNode attempts = page.putArray("attempts");
      content.attempts().forEach(a -> attempt(attempts.addObject(), a));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(page) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  private static void diagnosis(ObjectNode node, Diagnosis diagnosis) {
    node.put("id", diagnosis.cause().id());
    node.put("title", diagnosis.cause().title());
    node.put("explanation", diagnosis.cause().explanation());
    node.put("detail", diagnosis.detail());
    node.put("fix", diagnosis.cause().fix());
  }

  private static void attempt(ObjectNode node, Attempt attempt) {
    node.put("number", attempt.number());
    node.put("elapsedMillis", attempt.elapsed().toMillis());
    node.put("success", attempt.success());
    attempt.failure().ifPresent(failure -> {
      Evidence evidence = failure.evidence();
      node.put("failure", failure.kind().label());
      node.put("summary", failure.summary());
      node.put("script", evidence.scriptPath());
      ArrayNode argv = node.putArray("argv");
      evidence.argv().forEach(argv::add);
      evidence.spawnError().ifPresent(error -> {
        ObjectNode spawn = node.putObject("spawnError");
        spawn.put("errno", error.errno());
        spawn.put("name", error.errnoName());
        spawn.put("message", error.message());
      });
      evidence.termination().ifPresent(t -> termination(node.putObject("termination"), t));
      node.put("wallMillis", evidence.wallTime().toMillis());
      node.put("headerBytes", evidence.headerByteCount());
      node.put("headers", evidence.headerText());
      node.put("stderrTail", evidence.stderrText());
    });
  }

  private static void termination(ObjectNode node, Termination termination) {
    if (termination.status() instanceof ExitStatus.Signaled signaled) {
      node.put("signal", signaled.signal());
      node.put("signalName", Signals.name(signaled.signal()));
      node.put("coreDumped", signaled.coreDumped());
    } else {
      node.put("exitCode", ((ExitStatus.Exited) termination.status()).code());
    }
    termination.signalSentByGateway()
        .ifPresent(signal -> node.put("signalSentByGateway", Signals.name(signal)));
    termination.cpuTime().ifPresent(cpu -> node.put("cpuMillis", cpu.toMillis()));
    termination.peakRssBytes().ifPresent(rss -> node.put("peakRssBytes", rss));
    node.put("wallMillis", termination.wallTime().toMillis());
  }
}
